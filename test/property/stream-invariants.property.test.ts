import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chatRoute } from "../../adapters/chat/chat-route.ts";
import { pumpUpstreamToResponses } from "../../adapters/stream/pump-upstream-to-responses.ts";
import type { ByteSink } from "../../adapters/stream/sse-body-sink.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../../adapters/settings/settings-types.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { splitAt } from "../helpers/split-at.ts";

/**
 * Property: for ANY upstream chat-completions stream (well-formed or not, cut anywhere, split at
 * any byte), the Responses stream ends with exactly one terminal event, sequence numbers strictly
 * increase, text arrives intact and tool-call arguments round-trip unchanged.
 */

const model: ModelConfig = {
  slug: "m", model: "up", provider: "openai", baseUrl: "http://127.0.0.1:1/v1", displayName: "m",
  noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS,
};
const TOOLS = ["shell", "read_file", "grep"];
const request = {
  model: "m",
  stream: true,
  input: [{ type: "message" as const, role: "user", content: [{ type: "input_text" as const, text: "hi" }] }],
  tools: [
    ...TOOLS.map((name) => ({ type: "function" as const, name, description: name, parameters: { type: "object", properties: {} } })),
    { type: "custom" as const, name: "apply_patch", description: "patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
  ],
};

type Piece =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  | { kind: "call"; name: string; args: string; splits: number[]; custom: boolean }
  | { kind: "garbage"; line: string }
  | { kind: "usage" };

const unicode = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });
const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 5, arbitrary: unicode.map((text) => ({ kind: "text" as const, text })) },
  { weight: 2, arbitrary: unicode.map((text) => ({ kind: "reasoning" as const, text })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      name: fc.constantFrom(...TOOLS),
      args: fc.jsonValue().map((v) => JSON.stringify({ v })),
      splits: fc.array(fc.nat(), { maxLength: 6 }),
      custom: fc.constant(false),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      name: fc.constant("apply_patch"),
      args: unicode.map((s) => JSON.stringify({ input: `*** Begin Patch\n${s}\n*** End Patch` })),
      splits: fc.array(fc.nat(), { maxLength: 4 }),
      custom: fc.constant(true),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom("data: {oops\n\n", ": comment\n\n", "data: null\n\n", "event: x\ndata: 42\n\n", "bogus\n\n").map((line) => ({ kind: "garbage" as const, line })) },
  { weight: 1, arbitrary: fc.constant({ kind: "usage" as const }) },
);

const scenario = fc.record({
  pieces: fc.array(piece, { maxLength: 12 }),
  finish: fc.constantFrom("stop", "length", "tool_calls", null),
  done: fc.boolean(),
  /** Cut the byte stream at this fraction (1 = whole stream). */
  cutAt: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }),
  /** Byte chunk sizes the stream is split into (mid-UTF-8 included). */
  chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
});


const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;

interface Built {
  sse: string;
  calls: { name: string; args: string; custom: boolean }[];
  text: string;
  /** Bytes needed for the answer to count as whole: through the finish chunk, else through [DONE]. */
  wholeAt: number;
}

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * The answer text Codex should get. Whitespace that arrives before any real text is held back
 * (it could precede a `<think>` block) and dropped if the first tool call or the end comes first:
 * models often send "\n\n" around tool calls, which is no answer. Everything else arrives intact.
 */
function expectedAnswerText(pieces: Piece[]): string {
  let started = false;
  let held = "";
  let out = "";
  let calls = 0;
  for (const p of pieces) {
    if (p.kind === "text") {
      if (started) out += p.text;
      else {
        held += p.text;
        if (held.trimStart() !== "") {
          started = true;
          out += held;
          held = "";
        }
      }
    } else if (p.kind === "call") {
      if (calls++ === 0 && !started) held = "";
    }
  }
  return out;
}

function buildStream(s: any): Built {
  let sse = chunk({ role: "assistant", content: "" });
  let text = "";
  const calls: { name: string; args: string; custom: boolean }[] = [];
  for (const p of s.pieces as Piece[]) {
    if (p.kind === "text") {
      sse += chunk({ content: p.text });
      text += p.text;
    } else if (p.kind === "reasoning") sse += chunk({ reasoning_content: p.text });
    else if (p.kind === "garbage") sse += p.line;
    else if (p.kind === "usage") sse += `data: ${JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })}\n\n`;
    else {
      const index = calls.length;
      const id = `call_${index}`;
      const parts = splitAt(p.args, p.splits);
      sse += chunk({ tool_calls: [{ index, id, type: "function", function: { name: p.name, arguments: parts[0] } }] });
      for (const part of parts.slice(1)) sse += chunk({ tool_calls: [{ index, function: { arguments: part } }] });
      calls.push({ name: p.name, args: p.args, custom: p.custom });
    }
  }
  let wholeAt = Infinity;
  if (s.finish) {
    sse += chunk({}, s.finish);
    wholeAt = byteLength(sse);
  }
  if (s.done) {
    sse += "data: [DONE]\n\n";
    wholeAt = Math.min(wholeAt, byteLength(sse));
  }
  return { sse, calls, text, wholeAt };
}

function bodyOf(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let pos = 0;
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (pos >= bytes.length) return c.close();
      const n = sizes[i++ % sizes.length];
      c.enqueue(bytes.subarray(pos, pos + n));
      pos += n;
    },
  });
}

async function run(sse: string, cutAt: number, sizes: number[]) {
  const bytes = new TextEncoder().encode(sse);
  const cut = bytes.subarray(0, Math.floor(bytes.length * cutAt));
  const prepared = chatRoute.prepare({ request: request as never, model, apiKey: "", requestedSlug: "m", notes: [] });
  const { writer, translator } = prepared.createOutput({ responseId: "resp_1", model: "m" });
  const out: Uint8Array[] = [];
  const sink: ByteSink = { closed: false, write: (c) => void out.push(c), close() {} };
  const outcome = await pumpUpstreamToResponses({
    body: bodyOf(cut, sizes),
    contentType: "text/event-stream",
    translator,
    writer,
    sink,
    signal: new AbortController().signal,
    keepAliveMs: 0,
  });
  return { outcome, events: parseSseEvents(Buffer.concat(out).toString("utf8")), received: cut.length };
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete"]);

describe("upstream chat stream → Responses stream invariants (property)", () => {
  it("exactly one terminal event, increasing sequence numbers, text and tool arguments intact", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { sse, calls, text, wholeAt } = buildStream(s);
        const { outcome, events, received } = await run(sse, s.cutAt, s.chunkSizes);
        expect(outcome).toBe("finished");
        expect(events[0].type).toBe("response.created");
        const terminals = events.filter((e) => TERMINAL.has(e.type));
        expect(terminals).toHaveLength(1);
        expect(events.at(-1)).toBe(terminals[0]);
        for (let i = 1; i < events.length; i++) expect(events[i].sequence_number).toBeGreaterThan(events[i - 1].sequence_number);

        const terminal = terminals[0];
        if (received < wholeAt) {
          // cut before the answer was whole: never a silent success
          expect(terminal.type).toBe("response.failed");
          return;
        }
        const anyAnswer = (s.pieces as Piece[]).some((p) => (p.kind === "text" && p.text.trim() !== "") || p.kind === "call");
        if (!anyAnswer && s.finish !== "length") {
          // an empty (or reasoning-only) answer is a retryable failure, never an empty success
          expect(terminal.type).toBe("response.failed");
          return;
        }
        expect(terminal.type, JSON.stringify(terminal.response.error)).toBe(s.finish === "length" ? "response.incomplete" : "response.completed");
        const expectedText = expectedAnswerText(s.pieces as Piece[]);
        const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
        expect(deltas).toBe(expectedText);
        const output = terminal.response.output as any[];
        const msgText = output.filter((o) => o.type === "message").map((o) => o.content[0].text).join("");
        expect(msgText).toBe(expectedText);
        const toolItems = output.filter((o) => o.type === "function_call" || o.type === "custom_tool_call");
        expect(toolItems).toHaveLength(calls.length);
        // Tool calls keep the model's order, custom (freeform) ones included: in the output, in
        // the order items are added (their output_index) and in the order they are done.
        calls.forEach((c, i) => {
          const item = toolItems[i];
          if (c.custom) {
            expect(item).toMatchObject({ type: "custom_tool_call", name: "apply_patch", call_id: `call_${i}` });
            expect(item.input).toBe(JSON.parse(c.args).input);
          } else {
            expect(item).toMatchObject({ type: "function_call", name: c.name, call_id: `call_${i}` });
            expect(item.arguments).toBe(c.args);
          }
        });
        const isTool = (e: any) => e.item.type === "function_call" || e.item.type === "custom_tool_call";
        for (const type of ["response.output_item.added", "response.output_item.done"]) {
          const seen = events.filter((e) => e.type === type && isTool(e));
          expect(seen.map((e) => e.item.call_id)).toEqual(calls.map((_, i) => `call_${i}`));
          for (let i = 1; i < seen.length; i++) expect(seen[i].output_index).toBeGreaterThan(seen[i - 1].output_index);
        }
        // every added item is done exactly once
        const added = events.filter((e) => e.type === "response.output_item.added").map((e) => e.item.id);
        const done = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item.id);
        expect(done.sort()).toEqual(added.sort());
      }),
      { numRuns: 400 },
    );
  });

  it("arbitrary bytes from the upstream never throw and always end in one terminal event", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 4 }), async (bytes, sizes) => {
        const { outcome, events } = await run(new TextDecoder().decode(bytes), 1, sizes);
        expect(outcome).toBe("finished");
        expect(events.filter((e) => TERMINAL.has(e.type))).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
