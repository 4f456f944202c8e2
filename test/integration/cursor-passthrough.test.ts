import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { clearCursorStatusCache } from "../../adapters/cursor/cursor-status.ts";

const FAKE = fileURLToPath(new URL("../fixtures/fake-cursor-agent.mjs", import.meta.url));
let shim: TestShim;
let dir: string;
let workspace: string;
let record: string;

const envContext = (cwd: string) => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text: `<environment_context>\n  <cwd>${cwd}</cwd>\n  <shell>bash</shell>\n</environment_context>` }],
});
const request = (extra: Record<string, unknown> = {}) => ({
  model: "composer-2-5",
  stream: true,
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
    envContext(workspace),
    { type: "message", role: "user", content: [{ type: "input_text", text: "say hello" }] },
  ],
  ...extra,
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cursor-test-"));
  workspace = mkdtempSync(join(tmpdir(), "cursor-ws-"));
  record = join(dir, "run.json");
  shim = await startTestShim([], {
    env: { ...process.env, CURSOR_AGENT_BIN: FAKE, FAKE_CURSOR_RECORD: record, CURSOR_API_KEY: "cursor-key-must-not-leak", CODEX_SHIM_DISABLE_CHATGPT: "1" },
  });
});
afterAll(async () => {
  await shim.close();
});
beforeEach(() => {
  clearCursorStatusCache();
  rmSync(record, { force: true });
  rmSync(`${record}.killed`, { force: true });
  for (const k of ["FAKE_CURSOR_MODE", "FAKE_CURSOR_STATUS", "CODEX_SHIM_DISABLE_CURSOR", "CODEX_SHIM_CURSOR_WORKSPACE", "CODEX_SHIM_CURSOR_TRUST"]) delete shim.ctx.env[k];
});

describe("Cursor composer passthrough with a fake cursor-agent", () => {
  it("is advertised while `cursor-agent status` reports a login", async () => {
    const h = await (await fetch(`${shim.url}/health`)).json();
    expect(h.routes.cursor_passthrough).toBe(true);
    const m = await (await fetch(`${shim.url}/v1/models`)).json();
    expect(m.data).toContainEqual(expect.objectContaining({ id: "composer-2-5", owned_by: "cursor" }));
    expect(m.models.find((e: any) => e.slug === "composer-2-5").display_name).toBe("Composer 2.5");
  });

  it("streams the agent's cumulative text as deltas and completes with usage", async () => {
    const res = await postResponses(shim, request());
    expect(res.status).toBe(200);
    const events = parseSseEvents(await res.text());
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(["Hel", "lo", ", world", "!"]);
    const done = events.at(-1);
    expect(done.type).toBe("response.completed");
    expect(done.response.model).toBe("composer-2-5");
    expect(done.response.output[0].content[0].text).toBe("Hello, world!");
    expect(done.response.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    const run = JSON.parse(readFileSync(record, "utf8"));
    expect(run.cwd).toBe(workspace);
    expect(run.args).toEqual(["--print", "--output-format", "stream-json", "--stream-partial-output", "--workspace", workspace, "--model", "composer-2.5"]);
    expect(run.hasCursorApiKey).toBe(false);
    expect(run.prompt).toContain("[SYSTEM]\nYou are Codex.");
    expect(run.prompt).toContain("[USER]\nsay hello");
  });

  it("kills cursor-agent when the client disconnects", async () => {
    shim.ctx.env.FAKE_CURSOR_MODE = "hang";
    const ac = new AbortController();
    const res2 = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request()), signal: ac.signal });
    const reader = res2.body!.getReader();
    let text = "";
    while (!text.includes("partial answer")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("partial answer");
    const pid = JSON.parse(readFileSync(record, "utf8")).pid as number;
    ac.abort();
    expect(await waitFor(() => existsSync(`${record}.killed`))).toBe(true);
    expect(await waitFor(() => !isAlive(pid))).toBe(true);
  });

  it("ends a failed run as response.failed with the login hint (no retry storm)", async () => {
    shim.ctx.env.FAKE_CURSOR_MODE = "fail";
    const events = parseSseEvents(await (await postResponses(shim, request())).text());
    const last = events.at(-1);
    expect(last.type).toBe("response.failed");
    expect(last.response.error.code).toBe("invalid_prompt");
    expect(last.response.error.message).toContain("cursor-agent login");
  });

  it("never runs in the shim's own directory: no workspace → a clear 400", async () => {
    const res = await postResponses(shim, { model: "composer-2-5", stream: true, input: "hi" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("CODEX_SHIM_CURSOR_WORKSPACE");
    expect(existsSync(record)).toBe(false);
    shim.ctx.env.CODEX_SHIM_CURSOR_WORKSPACE = workspace;
    shim.ctx.env.CODEX_SHIM_CURSOR_TRUST = "1";
    await (await postResponses(shim, { model: "composer-2.5", stream: true, input: "hi" })).text();
    const run = JSON.parse(readFileSync(record, "utf8"));
    expect(run.cwd).toBe(workspace);
    expect(run.args).toContain("--trust");
    expect(run.args).not.toContain("--force");
  });

  it("without a cursor-agent login: not advertised, and a request gets the login hint", async () => {
    shim.ctx.env.FAKE_CURSOR_STATUS = "Not logged in. Please run cursor-agent login\n";
    const h = await (await fetch(`${shim.url}/health`)).json();
    expect(h.routes.cursor_passthrough).toBe(false);
    const res = await postResponses(shim, request());
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("cursor-agent login");
    expect(existsSync(record)).toBe(false);
  });

  it("CODEX_SHIM_DISABLE_CURSOR turns it off", async () => {
    shim.ctx.env.CODEX_SHIM_DISABLE_CURSOR = "true";
    expect((await postResponses(shim, request())).status).toBe(404);
    const h = await (await fetch(`${shim.url}/health`)).json();
    expect(h.routes.cursor_passthrough).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
