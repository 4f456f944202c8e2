import { describe, expect, it } from "vitest";
import { pumpUpstreamToResponses, type PumpOptions } from "./pump-upstream-to-responses.ts";
import type { ByteSink } from "./sse-body-sink.ts";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { ChatStreamTranslator } from "../chat/translate-chat-stream-to-responses.ts";
import { AnthropicSseWriter } from "../messages/anthropic-sse-writer.ts";
import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";

const enc = new TextEncoder();
const names = { resolve: (name: string) => ({ kind: "function" as const, name }) };
const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** A body delivering exactly these pieces, one per read; `hold` keeps it open after them. */
function body(pieces: string[], o: { hold?: boolean; breakWith?: Error } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(c) {
      if (i < pieces.length) return c.enqueue(enc.encode(pieces[i++]));
      if (o.breakWith) return c.error(o.breakWith);
      if (o.hold) return new Promise(() => {});
      c.close();
    },
  });
}

function sink(): ByteSink & { writes: string[] } {
  const dec = new TextDecoder();
  const writes: string[] = [];
  return { writes, closed: false, write: (b) => void writes.push(dec.decode(b)), close() {} };
}

function chatPump(b: ReadableStream<Uint8Array> | null, o: Partial<PumpOptions> = {}) {
  const writer = new ResponsesEventWriter({ responseId: "resp_1", model: "m" });
  const s = sink();
  const run = pumpUpstreamToResponses({ body: b, contentType: "text/event-stream", translator: new ChatStreamTranslator(writer, names), writer, sink: s, signal: new AbortController().signal, keepAliveMs: 0, ...o });
  return { writer, s, run };
}

describe("pumpUpstreamToResponses", () => {
  it("writes once for the opening events and once per upstream read, however many events a read holds", async () => {
    const { s, run, writer } = chatPump(body([chunk({ content: "a" }) + chunk({ content: "b" }) + chunk({ content: "c" }), chunk({}, "stop") + "data: [DONE]\n\n"]));
    expect(await run).toBe("finished");
    expect(writer.status).toBe("completed");
    expect(s.writes).toHaveLength(3);
    expect(parseSseEvents(s.writes[0]).map((e) => e.type)).toEqual(["response.created", "response.in_progress"]);
    expect(parseSseEvents(s.writes[1]).filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(["a", "b", "c"]);
  });

  it("reports first output once, and finishes without waiting for the rest of the body once the writer is finished", async () => {
    let firsts = 0;
    const { run, writer } = chatPump(body([chunk({ content: "x" }), chunk({}, "stop") + "data: [DONE]\n\n"], { hold: true }), { onFirstOutput: () => firsts++ });
    expect(await run).toBe("finished");
    expect(writer.status).toBe("completed");
    expect(firsts).toBe(1);
  });

  it("reads a JSON body whole (a provider ignoring stream:true)", async () => {
    const json = JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "whole" }, finish_reason: "stop" }] });
    const { run, writer } = chatPump(body([json.slice(0, 10), json.slice(10)]), { contentType: "application/json" });
    await run;
    expect(writer.responseObject().output[0]).toMatchObject({ type: "message", content: [{ text: "whole" }] });
  });

  it("fails clearly on a JSON content-type that is not JSON, and on an HTML page with status 200", async () => {
    const a = chatPump(body(["not json"]), { contentType: "application/json" });
    await a.run;
    expect(a.writer.error?.message).toContain("neither SSE nor JSON");
    const b = chatPump(body(["<html><body>login</body></html>"]));
    await b.run;
    expect(b.writer.error?.message).toContain("HTML page");
  });

  it("a broken upstream body is response.failed naming the cause; a missing body ends through the translator", async () => {
    const a = chatPump(body([chunk({ content: "x" })], { breakWith: new Error("socket hang up") }));
    expect(await a.run).toBe("finished");
    expect(a.writer.error).toEqual({ code: "server_error", message: "Upstream stream interrupted: the upstream stream broke (socket hang up)." });
    const b = chatPump(null);
    await b.run;
    expect(b.writer.status).toBe("failed");
  });

  it("returns aborted when the client left (signal aborted) while reading", async () => {
    const ac = new AbortController();
    const err = new Error("aborted");
    const { run } = chatPump(body([chunk({ content: "x" })], { breakWith: err }), { signal: ac.signal });
    ac.abort();
    expect(await run).toBe("aborted");
  });

  it("sends a keep-alive event after silence", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let i = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (i++ === 0) {
          await gate;
          c.enqueue(enc.encode(chunk({ content: "late" }, "stop") + "data: [DONE]\n\n"));
        } else c.close();
      },
    });
    const { s, run } = chatPump(slow, { keepAliveMs: 300 });
    await new Promise((r) => setTimeout(r, 700));
    release();
    await run;
    const types = s.writes.flatMap((w) => parseSseEvents(w).map((e) => e.type));
    expect(types.filter((t) => t === "response.in_progress").length).toBeGreaterThanOrEqual(2);
    expect(types.at(-1)).toBe("response.completed");
  });

  it("drives any OutputWriter: the chat decoder into the Anthropic SSE writer (/v1/messages over chat)", async () => {
    const writer: OutputWriter & AnthropicSseWriter = new AnthropicSseWriter({ messageId: "msg_1", model: "m" });
    const translator: StreamTranslator = new ChatStreamTranslator(writer, names);
    const s = sink();
    await pumpUpstreamToResponses({ body: body([chunk({ content: "hi" }), chunk({}, "stop") + "data: [DONE]\n\n"]), contentType: "text/event-stream", translator, writer, sink: s, signal: new AbortController().signal, keepAliveMs: 0 });
    const text = s.writes.join("");
    expect(text.split("\n").filter((l) => l.startsWith("event: ")).map((l) => l.slice(7))).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(writer.messageObject().content).toEqual([{ type: "text", text: "hi" }]);
  });
});
