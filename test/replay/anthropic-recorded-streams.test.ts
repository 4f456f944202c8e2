import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";
import { pumpUpstreamToResponses } from "../../adapters/stream/pump-upstream-to-responses.ts";
import { buildUpstreamToolSet } from "../../adapters/tools/upstream-tool-set.ts";
import { AnthropicStreamTranslator } from "../../adapters/anthropic/translate-anthropic-stream-to-responses.ts";
import { decodeAnthropicThinking } from "../../adapters/anthropic/anthropic-thinking-carrier.ts";
import { assertCodexStream } from "../helpers/check-codex-stream.ts";
import { listSharedFixtures, readSharedFixture } from "../helpers/shared-fixtures.ts";
import { recordedAnthropicSse } from "../helpers/anthropic-sse.ts";

/**
 * Every recorded Anthropic Messages stream and success body (real recordings and the hand-written
 * quirk files) goes through the real pump + translator, whole and cut into 1-, 7- and 64-byte
 * pieces, and must give a Responses stream Codex accepts with exactly the text, thinking (with
 * signatures, for the round trip), tool calls, ending and usage the recording holds.
 */
const DIRS = ["anthropic", "synthetic/anthropic"];
const MODEL = "claude-recorded";

interface Fixture {
  name: string;
  kind: "sse" | "json";
  body: string;
  events: any[];
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of DIRS)
    for (const f of listSharedFixtures(`upstream-recorded/${dir}`)) {
      const text = readSharedFixture(`upstream-recorded/${dir}/${f}`);
      if (f.endsWith(".chunks.txt")) {
        const events = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
        out.push({ name: `${dir}/${f}`, kind: "sse", body: recordedAnthropicSse(text), events });
      } else if (f.endsWith(".json")) {
        const v = JSON.parse(text);
        if (v.type === "message") out.push({ name: `${dir}/${f}`, kind: "json", body: text, events: [{ type: "message_start", message: v }, { type: "message_stop" }] });
      }
    }
  return out;
}

/** An independent reading of the recording: what a correct translation must contain. */
function expected(fx: Fixture) {
  let text = "";
  let thinking = "";
  const signed: any[] = [];
  const tools: { id: string; name: string; input: unknown }[] = [];
  const open = new Map<number, any>();
  let usage: any = {};
  let stop: string | null = null;
  let messages = 0;
  let spliced = false;
  const whole = (b: any) => {
    if (b.type === "text") text += b.text;
    if (b.type === "thinking") {
      thinking += b.thinking;
      if (b.signature) signed.push({ type: "thinking", thinking: b.thinking, signature: b.signature });
    }
    if (b.type === "redacted_thinking") signed.push({ type: "redacted_thinking", data: b.data });
    if (b.type === "tool_use") tools.push({ id: b.id, name: b.name, input: b.input ?? {} });
  };
  for (const e of fx.events) {
    if (e.type === "message_start") {
      if (messages++ && e.message.id !== fx.events[0].message.id) spliced = true;
      if (messages === 1) {
        usage = { ...e.message.usage };
        for (const b of e.message.content ?? []) whole(b);
        if (fx.kind === "json") stop = e.message.stop_reason;
      }
    } else if (e.type === "content_block_start") open.set(e.index, { ...e.content_block, json: "", thinking: e.content_block.thinking ?? "", text: e.content_block.text ?? "" });
    else if (e.type === "content_block_delta") {
      const b = open.get(e.index);
      if (e.delta.type === "text_delta") b.text += e.delta.text;
      if (e.delta.type === "thinking_delta") b.thinking += e.delta.thinking;
      if (e.delta.type === "signature_delta") b.signature = (b.signature ?? "") + e.delta.signature;
      if (e.delta.type === "input_json_delta") b.json += e.delta.partial_json;
    } else if (e.type === "content_block_stop") {
      const b = open.get(e.index);
      open.delete(e.index);
      if (b.type === "tool_use") b.input = b.json.trim() ? JSON.parse(b.json) : b.input;
      whole(b);
    } else if (e.type === "message_delta") {
      stop = e.delta.stop_reason ?? stop;
      for (const k of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"]) if (typeof e.usage?.[k] === "number") usage[k] = e.usage[k];
    }
  }
  return { text, thinking, signed, tools, usage, stop, spliced };
}

async function replay(fx: Fixture, pieceSize: number | null) {
  const bytes = new TextEncoder().encode(fx.body);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      if (pieceSize === null) c.enqueue(bytes);
      else for (let i = 0; i < bytes.length; i += pieceSize) c.enqueue(bytes.slice(i, i + pieceSize));
      c.close();
    },
  });
  const writer = new ResponsesEventWriter({ responseId: "resp_replay", model: "shim-model" });
  let sse = "";
  await pumpUpstreamToResponses({
    body,
    contentType: fx.kind === "json" ? "application/json" : "text/event-stream",
    translator: new AnthropicStreamTranslator(writer, buildUpstreamToolSet([], []), { model: MODEL, where: "replay" }),
    writer,
    sink: { write: (b) => void (sse += new TextDecoder().decode(b)), close() {}, closed: false },
    signal: new AbortController().signal,
    keepAliveMs: 0,
  });
  return sse;
}

const strip = (items: any[]) => items.map(({ id: _id, ...rest }) => rest);

describe("recorded Anthropic streams → Responses streams Codex accepts", () => {
  const all = fixtures();
  it("finds the recorded fixtures", () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  for (const fx of all) {
    it(fx.name, async () => {
      const r = assertCodexStream(await replay(fx, null));
      const exp = expected(fx);
      if (exp.spliced) {
        // two generations spliced into one stream: never mixed, failed so that Codex retries
        expect(r.terminal.type).toBe("response.failed");
        expect(r.terminal.response.error.code).toBe("server_error");
        return;
      }
      expect(r.text).toBe(exp.stop === "refusal" ? r.text : exp.text);
      expect(r.reasoning).toBe(exp.thinking);
      // the thinking blocks come back exactly, signatures included, tagged with the model
      const carried = r.items.filter((i) => i.type === "reasoning").flatMap((i) => decodeAnthropicThinking(i.encrypted_content)?.blocks ?? []);
      expect(carried).toEqual(exp.signed);
      for (const i of r.items.filter((i) => i.type === "reasoning" && i.encrypted_content)) expect(decodeAnthropicThinking(i.encrypted_content)!.model).toBe(MODEL);
      const calls = r.items.filter((i) => i.type === "function_call");
      expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual(exp.tools.map((t) => [t.id, t.name, t.input]));
      const t = r.terminal;
      if (exp.stop === "max_tokens") expect(t.type).toBe("response.incomplete");
      else if (exp.stop === "refusal") {
        expect(t.type).toBe("response.incomplete");
        expect(r.text).toMatch(/declined/);
      } else expect(t.type).toBe("response.completed");
      const u = exp.usage;
      const read = u.cache_read_input_tokens ?? 0;
      const write = u.cache_creation_input_tokens ?? 0;
      expect(t.response.usage.input_tokens).toBe((u.input_tokens ?? 0) + read + write);
      expect(t.response.usage.input_tokens_details.cached_tokens).toBe(read);
      expect(t.response.usage.output_tokens).toBe(u.output_tokens ?? 0);
      expect(t.response.usage.total_tokens).toBe(t.response.usage.input_tokens + t.response.usage.output_tokens);
      if (fx.kind === "sse")
        for (const size of [1, 7, 64]) {
          const cut = assertCodexStream(await replay(fx, size));
          expect(strip(cut.items)).toEqual(strip(r.items));
          expect(cut.terminal.type).toBe(t.type);
        }
    });
  }

  it("pins the cache-read and cache-write recordings", async () => {
    const read = assertCodexStream(await replay(all.find((f) => f.name.endsWith("5942-cache-read.chunks.txt"))!, null));
    expect(read.terminal.response.usage.input_tokens_details).toEqual({ cached_tokens: 18639, cache_write_tokens: 0 });
    expect(read.terminal.response.usage.input_tokens).toBe(18642);
    const write = assertCodexStream(await replay(all.find((f) => f.name.endsWith("5942-cache-write.chunks.txt"))!, null));
    expect(write.terminal.response.usage.input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: 18639 });
  });

  it("takes the final usage from message_delta when a compatible server corrects it", async () => {
    const r = assertCodexStream(await replay(all.find((f) => f.name.endsWith("message-delta-input-tokens.chunks.txt"))!, null));
    expect(r.terminal.response.usage).toMatchObject({ input_tokens: 61, output_tokens: 2, total_tokens: 63 });
  });
});
