import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { chatChunk, chatSse, chatTextStep, httpErrorStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { chatToolCallsStep } from "../helpers/chat-agent-steps.ts";
import { openResponsesSocket, rawUpgrade, upgradeStatus } from "../helpers/responses-socket-client.ts";
import { readSharedFixture } from "../helpers/shared-fixtures.ts";
import { assertValidEventStream } from "../helpers/open-responses-schema.ts";

/** The real server, WebSocket mode, against a scripted chat-completions upstream. */
let up: ScriptedUpstream;
let shim: TestShim;
const rows = () => [{ model: "up-model", slug: "shim-model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-ws-test-0123456789" }];

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim(rows());
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.requests.length = 0;
});

const prewarmMsg = JSON.parse(readSharedFixture("codex-0.169/websocket-prewarm.message.json")) as Record<string, unknown>;
const turnMsg = JSON.parse(readSharedFixture("codex-0.169/websocket-turn.message.json")) as Record<string, any>;
const userText = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const create = (fields: Record<string, unknown>) => ({ type: "response.create", model: "shim-model", store: false, tools: [], ...fields });
const textOf = (m: any) => (typeof m.content === "string" ? m.content : m.content.map((p: any) => p.text).join(""));
const completedId = (frames: any[]) => frames.find((f) => f.type === "response.completed")?.response.id as string;

describe("Responses WebSocket: Codex's prewarm, then incremental turns", () => {
  it("answers generate:false at once, without calling the upstream", async () => {
    const c = await openResponsesSocket(shim.url);
    c.send(prewarmMsg);
    const frames = await c.untilTerminal();
    expect(frames.map((f) => f.type)).toEqual(["response.created", "response.in_progress", "response.completed"]);
    expect(frames[2].response.id).toMatch(/^resp_/);
    expect(frames[2].response.output).toEqual([]);
    // the same events as over SSE: every one valid against the Open Responses schema
    assertValidEventStream(frames);
    expect(up.requests).toHaveLength(0);
    await c.close();
  });

  it("continues the prewarm with only the new items; the upstream gets the whole conversation", async () => {
    up.setScript([chatTextStep("hello over websocket")]);
    const c = await openResponsesSocket(shim.url);
    c.send(prewarmMsg);
    const prewarmId = completedId(await c.untilTerminal());
    c.send({ ...turnMsg, previous_response_id: prewarmId });
    const frames = await c.untilTerminal();
    expect(frames.at(-1).type).toBe("response.completed");
    const done = frames.filter((f) => f.type === "response.output_item.done");
    expect(done[0].item.content[0].text).toBe("hello over websocket");
    // each event is one frame with a strictly increasing sequence number, no SSE framing
    const seqs = frames.map((f) => f.sequence_number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    assertValidEventStream(frames);
    expect(frames.at(-1).response.previous_response_id).toBe(prewarmId);
    expect(up.requests).toHaveLength(1);
    const sent = up.requests[0].body.messages as { role: string; content: unknown }[];
    // base instructions from the prewarm come first, then the turn's developer/user items
    expect(JSON.stringify(sent[0])).toContain("You are Codex, a coding agent.");
    expect(JSON.stringify(sent.at(-1))).toContain(JSON.stringify(turnMsg.input.at(-1).content[0].text).slice(1, -1));
    await c.close();
  });

  it("runs sequential responses on one connection: a tool loop continued by previous_response_id", async () => {
    up.setScript([chatToolCallsStep([{ id: "call_1", name: "exec_command", args: '{"cmd":"echo hi"}' }]), chatTextStep("done: hi")]);
    const c = await openResponsesSocket(shim.url);
    c.send(create({ input: [userText("run echo hi")], tools: [{ type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } }] }));
    const first = await c.untilTerminal();
    const call = first.find((f) => f.type === "response.output_item.done").item;
    expect(call).toMatchObject({ type: "function_call", call_id: "call_1", name: "exec_command" });
    c.send(create({ previous_response_id: completedId(first), input: [{ type: "function_call_output", call_id: "call_1", output: "hi\n" }], tools: [{ type: "function", name: "exec_command", parameters: { type: "object", properties: {} } }] }));
    const second = await c.untilTerminal();
    expect(second.at(-1).type).toBe("response.completed");
    assertValidEventStream(first);
    assertValidEventStream(second);
    const msgs = up.requests[1].body.messages as any[];
    expect(msgs.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(msgs[1].tool_calls[0]).toMatchObject({ id: "call_1", function: { name: "exec_command" } });
    expect(msgs[2]).toMatchObject({ tool_call_id: "call_1", content: "hi\n" });
    await c.close();
  });

  it("queues a response.create sent while one is in flight and answers both, in order", async () => {
    up.setScript([chatTextStep("first"), chatTextStep("second")]);
    const c = await openResponsesSocket(shim.url);
    c.send(create({ input: [userText("one")] }));
    c.send(create({ input: [userText("two")] }));
    const a = await c.untilTerminal();
    const b = await c.untilTerminal();
    const text = (fs: any[]) => fs.find((f) => f.type === "response.output_item.done").item.content[0].text;
    expect([text(a), text(b)]).toEqual(["first", "second"]);
    expect(completedId(a)).not.toBe(completedId(b));
    await c.close();
  });
});

describe("Responses WebSocket: connection-local store", () => {
  it("a new connection gets previous_response_not_found for a store:false response of another", async () => {
    up.setScript([chatTextStep("kept on the first socket only")]);
    const a = await openResponsesSocket(shim.url);
    a.send(create({ input: [userText("hi")] }));
    const id = completedId(await a.untilTerminal());
    await a.close();
    const b = await openResponsesSocket(shim.url);
    b.send(create({ previous_response_id: id, input: [userText("again")] }));
    const [err] = await b.untilTerminal();
    expect(err).toEqual({
      type: "error",
      status: 400,
      error: { type: "invalid_request_error", code: "previous_response_not_found", message: expect.stringContaining(`Previous response with id '${id}' not found.`), param: "previous_response_id" },
    });
    // and the server-wide cache (HTTP previous_response_id) never saw the store:false WebSocket responses
    expect(shim.ctx.conversations.get(id)).toBeUndefined();
    expect(up.requests).toHaveLength(1);
    await b.close();
  });

  it("a store:true response is kept on disk too: another connection can continue it", async () => {
    up.setScript([chatTextStep("stored answer"), chatTextStep("continued elsewhere")]);
    const a = await openResponsesSocket(shim.url);
    a.send(create({ store: true, input: [userText("remember this")] }));
    const first = await a.untilTerminal();
    expect(first.at(-1).response.store).toBe(true);
    await a.close();
    const b = await openResponsesSocket(shim.url);
    b.send(create({ previous_response_id: completedId(first), input: [userText("and then?")] }));
    const second = await b.untilTerminal();
    expect(second.at(-1)).toMatchObject({ type: "response.completed", response: { previous_response_id: completedId(first) } });
    const msgs = up.requests[1].body.messages as any[];
    expect(msgs.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(textOf(msgs[1])).toBe("stored answer");
    await b.close();
  });

  it("a failed continuation evicts the response it continued", async () => {
    up.setScript([chatTextStep("first answer"), httpErrorStep(400, { error: { message: "bad things", type: "invalid_request_error" } })]);
    const c = await openResponsesSocket(shim.url);
    c.send(create({ input: [userText("hi")] }));
    const id = completedId(await c.untilTerminal());
    c.send(create({ previous_response_id: id, input: [userText("and now?")] }));
    const [failed] = await c.untilTerminal();
    expect(failed).toMatchObject({ type: "error", status: 400 });
    c.send(create({ previous_response_id: id, input: [userText("once more")] }));
    const [gone] = await c.untilTerminal();
    expect(gone.error.code).toBe("previous_response_not_found");
    expect(up.requests).toHaveLength(2);
    await c.close();
  });

  it("a continuation that fails mid-stream (response.failed) evicts it too", async () => {
    up.setScript([
      chatTextStep("first answer"),
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chatSse([chatChunk({ role: "assistant", content: "partial" })], { done: false }));
        setTimeout(() => res.destroy(), 20);
      },
    ]);
    const c = await openResponsesSocket(shim.url);
    c.send(create({ input: [userText("hi")] }));
    const id = completedId(await c.untilTerminal());
    c.send(create({ previous_response_id: id, input: [userText("go on")] }));
    const frames = await c.untilTerminal();
    expect(frames.at(-1).type).toBe("response.failed");
    c.send(create({ previous_response_id: id, input: [userText("go on")] }));
    expect((await c.untilTerminal())[0].error.code).toBe("previous_response_not_found");
    await c.close();
  });
});

describe("Responses WebSocket: client going away, slow clients", () => {
  it("closing the socket aborts the upstream call within milliseconds", async () => {
    up.setScript([
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chatSse([chatChunk({ role: "assistant", content: "thinking" })], { done: false }));
        // and then nothing: the upstream keeps the call open
      },
    ]);
    const c = await openResponsesSocket(shim.url);
    c.send(create({ input: [userText("take your time")] }));
    let f;
    do f = await c.next();
    while (f.type !== "response.output_text.delta");
    const t0 = performance.now();
    c.ws.close();
    const upstreamClosedAt = await Promise.race([up.requests[0].closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2000))]);
    expect(upstreamClosedAt - t0).toBeLessThan(250);
  });

  it("a slow client holds the upstream back (backpressure); reading again resumes it", async () => {
    const big = "x".repeat(16 * 1024);
    const chunks = 3000; // 48 MB on offer
    let written = 0;
    up.setScript([
      async (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chatSse([chatChunk({ role: "assistant", content: "" })], { done: false }));
        for (; written < chunks && !res.destroyed; written++) {
          if (!res.write(chatSse([chatChunk({ content: big })], { done: false }))) await new Promise((r) => res.once("drain", r));
        }
        res.end(chatSse([chatChunk({}, "stop")]));
      },
    ]);
    const sock = await rawUpgrade(shim.port, {});
    sock.pause();
    sock.write(maskedTextFrame(Buffer.from(JSON.stringify(create({ input: [userText("lots")] })))));
    // the client reads nothing: the shim stops pulling from the upstream (wait until it settles)
    let stalledAt = -1;
    for (let i = 0; i < 50 && written !== stalledAt; i++) {
      stalledAt = written;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(written).toBe(stalledAt);
    // Half of what is on offer: without backpressure the shim would pull all of it. What stays in
    // flight is the kernel's loopback buffers (autotuned, tcp_rmem up to 32 MiB here: 5–12 MB
    // measured) plus the shim's own high-water marks, so a tighter bound fails by luck.
    expect(stalledAt).toBeLessThan(chunks / 2);
    let received = 0;
    sock.on("data", (d: Buffer) => (received += d.length));
    sock.resume();
    for (let i = 0; i < 100 && written < stalledAt + 200; i++) await new Promise((r) => setTimeout(r, 20));
    expect(written).toBeGreaterThan(stalledAt + 200);
    expect(received).toBeGreaterThan(1024 * 1024);
    const t0 = performance.now();
    sock.destroy();
    const closedAt = await Promise.race([up.requests[0].closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2000))]);
    expect(closedAt - t0).toBeLessThan(250);
  });
});

describe("Responses WebSocket: error frames and the upgrade guard", () => {
  it("answers bad messages with one error frame shape, and the connection stays usable", async () => {
    up.setScript([chatTextStep("still here")]);
    const c = await openResponsesSocket(shim.url);
    const cases: [unknown, string, string | null][] = [
      ["{not json", "invalid_json", null],
      [[1, 2], "invalid_message", null],
      [{ type: "session.update" }, "unsupported_message_type", "type"],
      [create({ input: "hi", generate: "no" }), "invalid_request", "generate"],
      [create({ input: [{ type: "message", content: "no role" }] }), "invalid_request", "input[0].role"],
      [create({ model: "", input: "hi" }), "invalid_request", "model"],
      [create({ model: "no-such-model", input: "hi" }), "model_not_found", null],
    ];
    for (const [msg, code, param] of cases) {
      c.send(msg);
      const f = await c.next();
      expect(f).toMatchObject({ type: "error", status: expect.any(Number), error: { type: expect.any(String), code, message: expect.any(String), param } });
      expect(Object.keys(f).sort()).toEqual(["error", "status", "type"]);
    }
    c.ws.send(new Uint8Array([1, 2, 3]));
    expect((await c.next()).error.code).toBe("invalid_message");
    c.send(create({ input: "hi" }));
    expect((await c.untilTerminal()).at(-1).type).toBe("response.completed");
    await c.close();
  });

  it("ignores response.processed (newer Codex acknowledges each response)", async () => {
    const c = await openResponsesSocket(shim.url);
    c.send({ type: "response.processed", response_id: "resp_x" });
    c.send(create({ input: "hi", generate: false }));
    expect((await c.next()).type).toBe("response.created");
    await c.close();
  });

  it("refuses an upgrade with a foreign Host or a cross-site Origin, like HTTP", async () => {
    expect(await upgradeStatus(shim.port, { host: "evil.example:8765" })).toBe(403);
    expect(await upgradeStatus(shim.port, { origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(shim.port, { origin: "null" })).toBe(403);
    expect(await upgradeStatus(shim.port, { "sec-fetch-site": "cross-site" })).toBe(403);
    expect(await upgradeStatus(shim.port, { origin: `http://127.0.0.1:${shim.port}` })).toBe(101);
    expect(await upgradeStatus(shim.port, {}, "/responses")).toBe(101);
  });

  it('"websockets": false refuses the upgrade with 426, which sends Codex back to HTTP', async () => {
    writeFileSync(shim.settingsFile, JSON.stringify({ models: rows(), websockets: false }));
    for (let i = 0; i < 100 && shim.ctx.store.current.websockets !== false; i++) await new Promise((r) => setTimeout(r, 50));
    try {
      expect(await upgradeStatus(shim.port, {})).toBe(426);
    } finally {
      writeFileSync(shim.settingsFile, JSON.stringify({ models: rows() }));
      for (let i = 0; i < 100 && shim.ctx.store.current.websockets === false; i++) await new Promise((r) => setTimeout(r, 50));
    }
  });
});

/** One masked client text frame (RFC 6455 §5.2), for the raw-socket test. */
function maskedTextFrame(payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]) : (() => {
    const b = Buffer.alloc(10);
    b[0] = 0x81;
    b[1] = 0x80 | 127;
    b.writeBigUInt64BE(BigInt(len), 2);
    return b;
  })();
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([head, mask, body]);
}
