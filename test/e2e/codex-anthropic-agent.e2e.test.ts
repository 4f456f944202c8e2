import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim, catalogOf } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { anthropicMidStreamErrorStep, anthropicStep } from "../helpers/anthropic-sse.ts";

/** Real Codex CLI → codex-shim → a scripted Anthropic Messages upstream on loopback. */
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;
const KEY = "sk-ant-e2e-key-0123456789";

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([
    { model: "claude-sonnet-4-5", slug: "claude-e2e", display_name: "Claude E2E", provider: "anthropic", base_url: up.url, api_key: KEY, prompt_caching: true },
  ]);
  catalog = catalogOf(shim);
});
afterAll(async () => {
  await shim?.close();
  await up?.close();
});

const blocksOf = (req: { body: any }) => req.body.messages.flatMap((m: any) => m.content.map((b: any) => ({ role: m.role, ...b })));
const breakpoints = (req: { rawBody: string }) => (req.rawBody.match(/"cache_control"/g) ?? []).length;

/** A 4×4 red PNG, built here so the test needs no binary fixture. */
function redPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.from([0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]);
  const row = Buffer.from([0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
  const raw = Buffer.concat([row, row, row, row]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

describe("real Codex CLI → codex-shim → scripted Anthropic Messages upstream", () => {
  it("completes a text turn: /v1/messages with x-api-key and anthropic-version, never Authorization", async () => {
    up.requests.length = 0;
    up.setScript([anthropicStep({ text: "The answer is 42.", usage: { input_tokens: 30, cache_read_input_tokens: 900, output_tokens: 6 } })]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-e2e", catalog });
    const run = await runCodex(setup, ["say the answer"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("The answer is 42.");
    const sent = up.requests.at(-1)!;
    expect(sent.url).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe(KEY);
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toMatchObject({ model: "claude-sonnet-4-5", stream: true, thinking: { type: "enabled" } });
    expect(sent.body.system.length).toBeGreaterThan(0);
    expect(sent.body.messages.at(-1).role).toBe("user");
    expect(breakpoints(sent)).toBeGreaterThanOrEqual(2);
    expect(breakpoints(sent)).toBeLessThanOrEqual(4);
    const usage = run.events.find((e) => e.type === "turn.completed")?.usage;
    expect(usage).toMatchObject({ input_tokens: 930, cached_input_tokens: 900, output_tokens: 6 });
  });

  it("runs a tool loop with thinking, replaying each thinking block byte-exact, and edits a file with apply_patch", async () => {
    up.requests.length = 0;
    const t1 = { thinking: 'I should read notes.txt first — "carefully" ✓\n', signature: "EqQBCkYIBxgCKkB/sig+one==" };
    const t2 = { thinking: "Now replace hello with hello world.", signature: "ErUBCkYIBxgCKkC/sig+two==" };
    const patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-hello\n+hello world\n*** End Patch\n";
    up.setScript([
      anthropicStep({ thinking: [t1], tools: [{ id: "toolu_e2e_read", name: "exec_command", input: { cmd: "cat notes.txt" } }] }),
      anthropicStep({ thinking: [t2], redacted: ["REDACTED+e2e/data=="], tools: [{ id: "toolu_e2e_patch", name: "apply_patch", input: { input: patch } }] }),
      anthropicStep({ text: "Updated notes.txt." }),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-e2e", catalog });
    writeFileSync(join(setup.workdir, "notes.txt"), "hello\n");
    const run = await runCodex(setup, ["append world to hello in notes.txt"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Updated notes.txt.");
    expect(readFileSync(join(setup.workdir, "notes.txt"), "utf8")).toBe("hello world\n");
    expect(up.requests.length).toBe(3);

    // request 2: the assistant turn starts with the exact thinking block, then the tool_use
    const second = up.requests[1];
    const a2 = second.body.messages.at(-2);
    expect(a2.role).toBe("assistant");
    expect(a2.content[0]).toEqual({ type: "thinking", thinking: t1.thinking, signature: t1.signature });
    expect(a2.content[1]).toMatchObject({ type: "tool_use", id: "toolu_e2e_read", name: "exec_command", input: { cmd: "cat notes.txt" } });
    const r2 = second.body.messages.at(-1).content[0];
    expect(r2).toMatchObject({ type: "tool_result", tool_use_id: "toolu_e2e_read" });
    expect(JSON.stringify(r2.content)).toContain("hello");
    expect(second.body.thinking).toEqual({ type: "enabled", budget_tokens: expect.any(Number) });
    // the raw bytes on the wire hold the signature exactly as streamed
    expect(second.rawBody).toContain(JSON.stringify(t1.signature));

    // request 3: both turns' thinking (and the redacted block) in original order before their calls
    const third = up.requests[2];
    const seq = blocksOf(third).filter((b: any) => b.role === "assistant").map((b: any) => b.type);
    expect(seq).toEqual(["thinking", "tool_use", "thinking", "redacted_thinking", "tool_use"]);
    const assistantBlocks = blocksOf(third).filter((b: any) => b.role === "assistant");
    expect(assistantBlocks[2]).toEqual({ role: "assistant", type: "thinking", thinking: t2.thinking, signature: t2.signature });
    expect(assistantBlocks[3]).toEqual({ role: "assistant", type: "redacted_thinking", data: "REDACTED+e2e/data==" });
    expect(assistantBlocks[4]).toMatchObject({ type: "tool_use", id: "toolu_e2e_patch", name: "apply_patch", input: { input: patch } });
    const result3 = third.body.messages.at(-1).content[0];
    expect(result3).toMatchObject({ type: "tool_result", tool_use_id: "toolu_e2e_patch" });
    expect(JSON.stringify(result3.content)).toMatch(/Success|notes\.txt/);
    for (const r of up.requests) expect(breakpoints(r)).toBeLessThanOrEqual(4);
  });

  it("sends an attached image as a base64 image block", async () => {
    up.requests.length = 0;
    up.setScript([anthropicStep({ text: "A red square." })]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-e2e", catalog });
    writeFileSync(join(setup.workdir, "red.png"), redPng());
    const run = await runCodex(setup, ["-i", "red.png", "--", "describe this image"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("A red square.");
    const img = blocksOf(up.requests.at(-1)!).find((b: any) => b.type === "image");
    expect(img.source.type).toBe("base64");
    expect(img.source.media_type).toBe("image/png");
    expect(Buffer.from(img.source.data, "base64").equals(redPng())).toBe(true);
  });

  it("turns a mid-stream overloaded error event into a failure Codex retries", async () => {
    up.requests.length = 0;
    up.setScript([anthropicMidStreamErrorStep("overloaded_error", "Overloaded"), anthropicStep({ text: "after the retry" })]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-e2e", catalog, retries: { request: 0, stream: 2 } });
    const run = await runCodex(setup, ["hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("after the retry");
    expect(up.requests.length).toBe(2);
    // the partial text of the failed attempt was not kept in history
    expect(JSON.stringify(up.requests[1].body.messages)).not.toContain("partial answer");
  });
});
