import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { threadContinuation, jsonEqual } from "./thread-continuation.ts";
import { ConversationCache } from "./conversation-cache.ts";
import { chatRoute } from "../chat/chat-route.ts";
import { isChatMessages } from "../chat/continue-chat-messages.ts";
import { upstreamBodyText } from "../transport/upstream-transport.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import type { InputItem, ResponsesRequest } from "./responses-types.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";
import { encodeChatReasoning } from "../chat/chat-reasoning-carrier.ts";

const model: ModelConfig = { slug: "m", model: "up-model", provider: "openai", baseUrl: "http://127.0.0.1:9/v1", displayName: "m", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS };
const turn3 = codexRequestBody("tool-loop-turn3") as ResponsesRequest & { input: InputItem[] };
const base = { model: "m", instructions: turn3.instructions, tools: turn3.tools, tool_choice: "auto", parallel_tool_calls: true, stream: true };
const ctxFor = (request: ResponsesRequest, continuation?: RouteContext["continuation"]): RouteContext => ({ request, model, apiKey: "k", requestedSlug: "m", notes: [], continuation });

/** What the chat route sends for `req`, and the messages it built. */
function send(req: ResponsesRequest, continuation?: RouteContext["continuation"]) {
  const p = chatRoute.prepare(ctxFor(req, continuation));
  return { bytes: upstreamBodyText(p.request.body), messages: p.upstreamMessages! };
}

// Codex-shaped items: text with non-ASCII and control characters, calls answered, unanswered, answered twice or late
const text = fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "é", "行", "\u0000", "\u001b", "{", '"'), maxLength: 12 });
const callId = fc.constantFrom("call_1", "call_2", "call_3");
const item: fc.Arbitrary<InputItem> = fc.oneof(
  fc.record({ type: fc.constant("message"), role: fc.constantFrom("user", "developer", "assistant"), content: fc.array(text.map((t) => ({ type: "input_text", text: t })), { minLength: 1, maxLength: 2 }) }).map((m) =>
    m.role === "assistant" ? { ...m, content: m.content.map((c) => ({ type: "output_text", text: c.text })) } : m,
  ),
  text.map((t) => ({ type: "reasoning", summary: [{ type: "summary_text", text: t }], content: null, encrypted_content: null })),
  // reasoning this upstream model produced: replayed with the tool calls that follow it
  text.map((t) => ({ type: "reasoning", summary: [], content: null, encrypted_content: encodeChatReasoning("up-model", t || "r") })),
  fc.record({ type: fc.constant("function_call"), call_id: callId, name: fc.constantFrom("exec_command", "shell"), arguments: fc.oneof(fc.constant('{"cmd":"ls"}'), text) }),
  fc.record({ type: fc.constant("function_call_output"), call_id: callId, output: text }),
  fc.record({ type: fc.constant("custom_tool_call"), call_id: callId, name: fc.constant("apply_patch"), input: text }),
  fc.record({ type: fc.constant("custom_tool_call_output"), call_id: callId, output: text }),
) as fc.Arbitrary<InputItem>;

describe("threadContinuation (incremental turns over HTTP)", () => {
  it("a reused translation is byte-identical to a fresh one, for any history and any earlier turn", () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(item, { minLength: 2, maxLength: 14 }), fc.nat(), (items, at) => {
        // k = items.length: the same input again (a retry)
        const k = 1 + (at % items.length);
        const cache = new ConversationCache();
        // the earlier turn, as the server handled it: translated, sent, remembered
        const first: ResponsesRequest = JSON.parse(JSON.stringify({ ...base, input: items.slice(0, k) }));
        const sent = send(first);
        cache.remember({ responseId: "resp_1", threadKey: "t", model: "m", input: first.input as InputItem[], output: [], upstreamMessages: sent.messages });
        // this turn: the whole history again, parsed afresh (equal items, other objects)
        const wire = JSON.stringify({ ...base, input: items });
        const req: ResponsesRequest = JSON.parse(wire);
        const continuation = threadContinuation(cache, "t", req, isChatMessages);
        const got = send(req, continuation);
        const fresh = send(JSON.parse(wire));
        expect(got.bytes).toBe(fresh.bytes);
        if (continuation && got.messages[0] === sent.messages[0]) reused++;
      }),
      {
        numRuns: 400,
        // the items alone (the default report would print two request bodies with the whole tool list)
        reporter: (r) => {
          if (r.failed) throw new Error(`counterexample: ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance).slice(0, 300)}`);
        },
      },
    );
    // the property is not met by always falling back: most splits reuse the earlier messages
    expect(reused).toBeGreaterThan(60);
  });

  it("the same for a WebSocket continuation: cached input, cached output, then the new items", () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(item, { minLength: 2, maxLength: 14 }), fc.nat(), fc.nat(), (items, at, len) => {
        const k = 1 + (at % (items.length - 1));
        const out = items.slice(k, k + (len % (items.length - k + 1)));
        const first: ResponsesRequest = JSON.parse(JSON.stringify({ ...base, input: items.slice(0, k) }));
        const sent = send(first);
        const previous = new ConversationCache().remember({ responseId: "resp_1", threadKey: undefined, model: "m", input: first.input as InputItem[], output: out as never, upstreamMessages: sent.messages });
        const wire = JSON.stringify({ ...base, input: items });
        const got = send(JSON.parse(wire), { previous, newItems: JSON.parse(wire).input.slice(k + out.length) });
        expect(got.bytes).toBe(send(JSON.parse(wire)).bytes);
        if (got.messages[0] === sent.messages[0]) reused++;
      }),
      {
        numRuns: 400,
        reporter: (r) => {
          if (r.failed) throw new Error(`counterexample: ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance).slice(0, 300)}`);
        },
      },
    );
    expect(reused).toBeGreaterThan(60);
  });

  it("is offered only when the request extends the thread's last cached input, as the chat route built it", () => {
    const cache = new ConversationCache();
    const input = turn3.input as InputItem[];
    // turn 3 of the recorded tool loop: developer + user messages, then the answer Codex replays (reasoning, call), then its output
    const at = input.findIndex((i) => (i as { type?: string }).type === "reasoning");
    const first = { ...base, input: input.slice(0, at) } as ResponsesRequest;
    const { messages } = send(first);
    cache.remember({ responseId: "resp_1", threadKey: "t", model: "m", input: input.slice(0, at), output: [], upstreamMessages: messages });
    const next = { ...base, input: JSON.parse(JSON.stringify(input)) } as ResponsesRequest;
    expect(threadContinuation(cache, "t", next, isChatMessages)?.newItems).toEqual(input.slice(at));
    expect(send(next, threadContinuation(cache, "t", next, isChatMessages)).bytes).toBe(send(JSON.parse(JSON.stringify(next))).bytes);
    // new items that do not open an assistant turn (a late tool output, a user message): no reuse
    expect(threadContinuation(cache, "t", { ...base, input: [...input.slice(0, at), { type: "message", role: "user", content: "more" }] } as ResponsesRequest, isChatMessages)).toBeUndefined();
    expect(threadContinuation(cache, "other", next, isChatMessages)).toBeUndefined();
    expect(threadContinuation(cache, undefined, next, isChatMessages)).toBeUndefined();
    // the same input again (a retry): the cached translation, nothing new
    const again = { ...base, input: JSON.parse(JSON.stringify(input.slice(0, at))) } as ResponsesRequest;
    expect(threadContinuation(cache, "t", again, isChatMessages)?.newItems).toEqual([]);
    expect(send(again, threadContinuation(cache, "t", again, isChatMessages)).bytes).toBe(send(JSON.parse(JSON.stringify(again))).bytes);
    // a shorter input: no reuse
    expect(threadContinuation(cache, "t", { ...base, input: input.slice(0, at - 1) } as ResponsesRequest, isChatMessages)).toBeUndefined();
    // an edited history item: no reuse
    const edited = JSON.parse(JSON.stringify(input));
    expect(edited[1].content[0].text).toBeTypeOf("string");
    edited[1].content[0].text += "!";
    expect(threadContinuation(cache, "t", { ...base, input: edited } as ResponsesRequest, isChatMessages)).toBeUndefined();
    // messages another route built (or none): no comparison at all
    expect(threadContinuation(cache, "t", next, () => false)).toBeUndefined();
  });

  it("compares parsed JSON values, key order included", () => {
    expect(jsonEqual({ a: [1, { b: "x" }], c: null }, { a: [1, { b: "x" }], c: null })).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual("x", "x")).toBe(true);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
  });
});
