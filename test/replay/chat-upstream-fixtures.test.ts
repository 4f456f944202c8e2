import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";
import { pumpUpstreamToResponses } from "../../adapters/stream/pump-upstream-to-responses.ts";
import { ChatStreamTranslator } from "../../adapters/chat/translate-chat-stream-to-responses.ts";
import { buildUpstreamToolSet } from "../../adapters/tools/upstream-tool-set.ts";
import { encodeChatReasoning } from "../../adapters/chat/chat-reasoning-carrier.ts";
import { assertCodexStream } from "../helpers/check-codex-stream.ts";
import { listSharedFixtures, readSharedFixture } from "../helpers/shared-fixtures.ts";

/**
 * Every recorded chat-completions stream (OpenAI, Azure, DeepSeek, xAI, Mistral, Groq, Qwen,
 * OpenAI-compatible hosts, hand-written quirk files) goes through the real pump + translator,
 * whole and cut into 1-, 7- and 64-byte pieces, and must give a Responses stream Codex accepts
 * (protocol §6) with the text, reasoning, tool calls and usage the recording holds.
 */
const DIRS = ["openai-chat", "deepseek", "xai", "mistral", "groq", "alibaba-qwen", "openai-compatible", "synthetic/openai-compatible"];

interface Fixture {
  name: string;
  kind: "sse" | "json";
  body: string;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of DIRS) {
    for (const f of listSharedFixtures(`upstream-recorded/${dir}`)) {
      const text = readSharedFixture(`upstream-recorded/${dir}/${f}`);
      if (f.endsWith(".chunks.txt")) {
        const lines = text.split("\n").filter((l) => l.trim() !== "");
        out.push({ name: `${dir}/${f}`, kind: "sse", body: lines.map((l) => `data: ${l}\n\n`).join("") + "data: [DONE]\n\n" });
      } else if (f.endsWith(".sse")) out.push({ name: `${dir}/${f}`, kind: "sse", body: text });
      else if (f.endsWith(".json")) {
        const v = JSON.parse(text);
        // success bodies only (error bodies are HTTP errors, handled before the translator)
        if (Array.isArray(v.choices)) out.push({ name: `${dir}/${f}`, kind: "json", body: text });
        else if (Array.isArray(v.attempts)) v.attempts.forEach((a: any, i: number) => out.push({ name: `${dir}/${f}#${i}`, kind: "json", body: JSON.stringify(a.rawResponseBody) }));
      }
    }
  }
  return out;
}

/** Independent reading of a recording: what a correct translation must contain. */
function expected(fx: Fixture) {
  const chunks: any[] =
    fx.kind === "json"
      ? [JSON.parse(fx.body)]
      : fx.body
          .split("\n")
          .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
          .map((l) => JSON.parse(l.slice(6)));
  let text = "";
  let reasoning = "";
  const calls = new Map<string, { name: string; args: string }>();
  let lastKey = "";
  let usage: any = null;
  let finish: string | null = null;
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    else if (c.x_groq?.usage) usage = c.x_groq.usage;
    for (const ch of c.choices ?? []) {
      const d = fx.kind === "json" ? ch.message : ch.delta;
      if (ch.finish_reason) finish = ch.finish_reason;
      if (!d) continue;
      reasoning += d.reasoning_content ?? d.reasoning ?? "";
      if (typeof d.content === "string") text += d.content;
      else if (Array.isArray(d.content))
        for (const p of d.content) {
          if (p.type === "text") text += p.text;
          if (p.type === "thinking") reasoning += typeof p.thinking === "string" ? p.thinking : p.thinking.map((x: any) => x.text).join("");
        }
      for (const t of d.tool_calls ?? []) {
        const key = t.id || (typeof t.index === "number" ? `#${t.index}` : lastKey);
        const existing = [...calls.entries()].find(([k, v]) => k === key || (typeof t.index === "number" && !t.id && (v as any).index === t.index));
        const entry = existing?.[1] ?? { name: "", args: "", index: t.index };
        if (!existing) calls.set(key, entry as any);
        lastKey = existing?.[0] ?? key;
        if (t.function?.name) entry.name += t.function.name;
        if (t.function?.arguments) entry.args += typeof t.function.arguments === "string" ? t.function.arguments : JSON.stringify(t.function.arguments);
      }
    }
  }
  return { text, reasoning, calls: [...calls.values()], usage, finish };
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
  const writer = new ResponsesEventWriter({ responseId: "resp_replay", model: "shim-model", encodeReasoning: (t) => (t ? encodeChatReasoning("up", t) : null) });
  const tools = buildUpstreamToolSet([], []);
  let sse = "";
  await pumpUpstreamToResponses({
    body,
    contentType: fx.kind === "json" ? "application/json" : "text/event-stream",
    translator: new ChatStreamTranslator(writer, tools),
    writer,
    sink: { write: (b) => void (sse += new TextDecoder().decode(b)), close() {}, closed: false },
    signal: new AbortController().signal,
    keepAliveMs: 0,
  });
  return sse;
}

const strip = (items: any[]) => items.map(({ id: _id, ...rest }) => (rest.type === "reasoning" ? { ...rest, encrypted_content: rest.encrypted_content ? "x" : null } : rest));

describe("recorded chat-completions streams → Responses streams Codex accepts", () => {
  const all = fixtures();
  it("finds the recorded fixtures", () => {
    expect(all.length).toBeGreaterThanOrEqual(25);
  });

  for (const fx of all) {
    it(fx.name, async () => {
      const whole = assertCodexStream(await replay(fx, null));
      const exp = expected(fx);
      // text and reasoning arrive complete (a leading <think> block counts as reasoning)
      const think = /^\s*<think>([\s\S]*?)<\/think>\s*/.exec(exp.text);
      expect(whole.text).toBe(think ? exp.text.slice(think[0].length) : exp.text.trim() === "" ? "" : exp.text);
      expect(whole.reasoning).toBe(exp.reasoning + (think ? think[1] : ""));
      // tool calls: one item per call, string arguments, names kept
      const calls = whole.items.filter((i) => i.type === "function_call");
      expect(calls.map((c) => c.name)).toEqual(exp.calls.map((c) => c.name));
      calls.forEach((c, i) => expect(JSON.parse(c.arguments)).toEqual(exp.calls[i].args.trim() ? JSON.parse(exp.calls[i].args) : {}));
      // ending and usage
      const t = whole.terminal;
      if (exp.finish === "length") expect(t.type).toBe("response.incomplete");
      else expect(t.type).toBe("response.completed");
      if (exp.usage) {
        expect(t.response.usage.input_tokens).toBe(exp.usage.prompt_tokens);
        expect(t.response.usage.output_tokens).toBe(exp.usage.completion_tokens);
        const cached = exp.usage.prompt_tokens_details?.cached_tokens ?? exp.usage.prompt_cache_hit_tokens ?? exp.usage.cached_tokens ?? 0;
        expect(t.response.usage.input_tokens_details.cached_tokens).toBe(cached);
        expect(t.response.usage.output_tokens_details.reasoning_tokens).toBe(exp.usage.completion_tokens_details?.reasoning_tokens ?? 0);
      }
      // reasoning items carry the opaque state needed to send it back
      for (const r of whole.items.filter((i) => i.type === "reasoning")) expect(r.encrypted_content).toMatch(/^codex-shim:chat-reasoning:v1:/);
      // byte boundaries never change the result
      if (fx.kind === "sse")
        for (const size of [1, 7, 64]) {
          const cut = assertCodexStream(await replay(fx, size));
          expect(strip(cut.items)).toEqual(strip(whole.items));
          expect(cut.terminal.type).toBe(t.type);
        }
    });
  }
});
