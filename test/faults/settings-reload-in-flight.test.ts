import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync, renameSync } from "node:fs";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { startFaultServer, sseChunk, waitFor, type FaultServer } from "./fault-server.ts";

let a: FaultServer;
let b: FaultServer;
let shim: TestShim;

const row = (url: string) => ({ model: "up-model", slug: "m", provider: "openai", base_url: `${url}/v1`, api_key: "sk-x" });
const req = { model: "m", stream: true, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }] };
const answer = (text: string) => ({ res }: { res: import("node:http").ServerResponse }) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(sseChunk({ content: text }) + sseChunk({}, "stop") + "data: [DONE]\n\n");
};
const textOf = async (res: Response) => {
  const events = parseSseEvents(await res.text());
  expect(events.at(-1).type).toBe("response.completed");
  return events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
};

/** Editors replace files by rename; do the same so the watcher sees one complete file. */
function writeSettings(file: string, content: string) {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

beforeAll(async () => {
  a = await startFaultServer();
  b = await startFaultServer(answer("from B"));
  shim = await startTestShim([row(a.url)]);
});
afterAll(async () => {
  await shim.close();
  await a.close();
  await b.close();
});

describe("settings edited while requests are in flight", () => {
  it("in-flight requests finish on the old settings; new ones use the new; a broken edit keeps the last good", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    a.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sseChunk({ role: "assistant", content: "from A " }));
      await released;
      res.end(sseChunk({ content: "(old settings)" }) + sseChunk({}, "stop") + "data: [DONE]\n\n");
    });
    const inFlight = postResponses(shim, req);
    await waitFor(() => a.calls.length === 1, 5000, "request at A");

    const gen = shim.ctx.store.generation;
    writeSettings(shim.settingsFile, JSON.stringify({ models: [row(b.url)] }));
    await waitFor(() => shim.ctx.store.generation > gen, 5000, "settings reload");

    expect(await textOf(await postResponses(shim, req))).toBe("from B");
    expect(b.calls.length).toBe(1);

    release();
    expect(await textOf(await inFlight)).toBe("from A (old settings)");
    expect(a.calls.length).toBe(1);

    // A broken edit: reported in the log, the last good settings (→ B) stay in force.
    const logsBefore = shim.logs.length;
    writeSettings(shim.settingsFile, '{ "models": [ { "model": "x", "provider": "openai", "base_url": "localhost" } ');
    await waitFor(() => shim.ctx.store.lastError !== null, 5000, "broken settings to be noticed");
    const report = shim.logs.slice(logsBefore).join("\n");
    expect(report).toMatch(/kept the last good settings/);
    expect(shim.ctx.store.generation).toBe(gen + 1);
    expect(await textOf(await postResponses(shim, req))).toBe("from B");

    // Invalid-but-parseable edit: same.
    writeSettings(shim.settingsFile, JSON.stringify({ models: [{ model: "x", provider: "openai", base_url: "localhost" }] }));
    await waitFor(() => shim.logs.slice(logsBefore).join("\n").includes("base_url"), 5000, "validation report");
    expect(await textOf(await postResponses(shim, req))).toBe("from B");

    // A fixed file takes effect again.
    writeSettings(shim.settingsFile, JSON.stringify({ models: [row(a.url)] }));
    a.handle(answer("A again"));
    await waitFor(() => shim.ctx.store.generation > gen + 1, 5000, "settings reload after the fix");
    expect(shim.ctx.store.lastError).toBeNull();
    expect(await textOf(await postResponses(shim, req))).toBe("A again");
  });
});
