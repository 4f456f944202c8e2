import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { threadContinuation } from "../responses/thread-continuation.ts";
import { ConversationCache } from "../responses/conversation-cache.ts";
import { anthropicRoute } from "./anthropic-route.ts";
import { isAnthropicMessages } from "./continue-anthropic-messages.ts";
import { encodeAnthropicThinking } from "./anthropic-thinking-carrier.ts";
import { upstreamBodyText } from "../transport/upstream-transport.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import type { InputItem, ResponsesRequest } from "../responses/responses-types.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

const modelOf = (promptCaching: boolean): ModelConfig => ({
  slug: "m",
  model: "claude-x",
  provider: "anthropic",
  baseUrl: "http://127.0.0.1:9/v1",
  displayName: "m",
  noImageSupport: false,
  extraHeaders: {},
  index: 0,
  timeouts: DEFAULT_TIMEOUTS,
  promptCaching,
});
const turn3 = codexRequestBody("tool-loop-turn3") as ResponsesRequest & { input: InputItem[] };
const base = { model: "m", instructions: turn3.instructions, tools: turn3.tools, tool_choice: "auto", parallel_tool_calls: true, stream: true };

/** What the Anthropic route sends for `req`, and the messages it built. */
function send(model: ModelConfig, req: ResponsesRequest, continuation?: RouteContext["continuation"]) {
  const p = anthropicRoute.prepare({ request: req, model, apiKey: "k", requestedSlug: "m", notes: [], continuation });
  return { bytes: upstreamBodyText(p.request.body), messages: p.upstreamMessages! };
}

// Codex-shaped items, as in thread-continuation.test.ts, plus this model's and another model's thinking, empty and blank text
const text = fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "é", "行", "\u0000", "{", '"'), maxLength: 10 });
const callId = fc.constantFrom("call_1", "call_2", "call_3");
const thinking = (model: string, t: string) => encodeAnthropicThinking(model, [{ type: "thinking", thinking: t || "…", signature: "sig" }]);
const item: fc.Arbitrary<InputItem> = fc.oneof(
  fc.record({ type: fc.constant("message"), role: fc.constantFrom("user", "developer", "assistant"), content: fc.array(text.map((t) => ({ type: "input_text", text: t })), { minLength: 1, maxLength: 2 }) }).map((m) =>
    m.role === "assistant" ? { ...m, content: m.content.map((c) => ({ type: "output_text", text: c.text })) } : m,
  ),
  fc.record({ t: text, own: fc.boolean() }).map(({ t, own }) => ({ type: "reasoning", summary: [], content: null, encrypted_content: thinking(own ? "claude-x" : "other-model", t) })),
  fc.record({ type: fc.constant("function_call"), call_id: callId, name: fc.constantFrom("exec_command", "shell"), arguments: fc.oneof(fc.constant('{"cmd":"ls"}'), text) }),
  fc.record({ type: fc.constant("function_call_output"), call_id: callId, output: text }),
  fc.record({ type: fc.constant("custom_tool_call"), call_id: callId, name: fc.constant("apply_patch"), input: text }),
  fc.record({ type: fc.constant("custom_tool_call_output"), call_id: callId, output: text }),
) as fc.Arbitrary<InputItem>;

/** Whether a rendering reused message objects of the earlier one. */
const shares = (got: readonly unknown[], earlier: readonly unknown[]) => got.some((m) => earlier.includes(m));

const report = <T,>(r: fc.RunDetails<T>) => {
  if (r.failed) throw new Error(`counterexample: ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance).slice(0, 400)}`);
};

describe("continueAnthropicMessages (incremental turns on the Anthropic route)", () => {
  it("over HTTP: a reused rendering is byte-identical to a fresh one, for any history, any earlier turn, with and without prompt caching", () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(item, { minLength: 2, maxLength: 14 }), fc.nat(), fc.boolean(), (items, at, caching) => {
        const model = modelOf(caching);
        // k = items.length: the same input again
        const k = 1 + (at % items.length);
        const cache = new ConversationCache();
        const first: ResponsesRequest = JSON.parse(JSON.stringify({ ...base, input: items.slice(0, k) }));
        const sent = send(model, first);
        cache.remember({ responseId: "resp_1", threadKey: "t", model: "m", input: first.input as InputItem[], output: [], upstreamMessages: sent.messages });
        // this turn shares the parsed history items with the one before (as body-prefix reuse makes it)
        const wire = JSON.stringify({ ...base, input: items });
        const req: ResponsesRequest = { ...JSON.parse(wire), input: [...(first.input as InputItem[]), ...JSON.parse(wire).input.slice(k)] };
        const continuation = threadContinuation(cache, "t", req, isAnthropicMessages);
        const got = send(model, req, continuation);
        expect(got.bytes).toBe(send(model, JSON.parse(wire)).bytes);
        if (continuation && shares(got.messages, sent.messages)) reused++;
        // a third turn continuing the second, built on the reused one
        cache.remember({ responseId: "resp_2", threadKey: "t", model: "m", input: req.input as InputItem[], output: [], upstreamMessages: got.messages });
        const more = [...(req.input as InputItem[]), ...JSON.parse(JSON.stringify(items))];
        const third = { ...req, input: more } as ResponsesRequest;
        expect(send(model, third, threadContinuation(cache, "t", third, isAnthropicMessages)).bytes).toBe(send(model, JSON.parse(JSON.stringify(third))).bytes);
      }),
      { numRuns: 400, reporter: report },
    );
    // the property is not met by always falling back
    expect(reused).toBeGreaterThan(60);
  });

  it("the same for a WebSocket continuation: cached input, cached output, then the new items", () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(item, { minLength: 2, maxLength: 14 }), fc.nat(), fc.nat(), fc.boolean(), (items, at, len, caching) => {
        const model = modelOf(caching);
        const k = 1 + (at % (items.length - 1));
        const out = items.slice(k, k + (len % (items.length - k + 1)));
        const first: ResponsesRequest = JSON.parse(JSON.stringify({ ...base, input: items.slice(0, k) }));
        const sent = send(model, first);
        const previous = new ConversationCache().remember({ responseId: "resp_1", threadKey: undefined, model: "m", input: first.input as InputItem[], output: out as never, upstreamMessages: sent.messages });
        const wire = JSON.stringify({ ...base, input: items });
        const got = send(model, JSON.parse(wire), { previous, newItems: JSON.parse(wire).input.slice(k + out.length) });
        expect(got.bytes).toBe(send(model, JSON.parse(wire)).bytes);
        if (shares(got.messages, sent.messages)) reused++;
      }),
      { numRuns: 400, reporter: report },
    );
    expect(reused).toBeGreaterThan(60);
  });

  it("never modifies the cached messages it reuses (prompt-caching marks go on copies)", () => {
    const model = modelOf(true);
    const input = turn3.input as InputItem[];
    // the first turn ends with the first tool output; the second replays the next reasoning and call
    const at = input.findIndex((i) => (i as { type?: string }).type === "function_call_output") + 1;
    const first = { ...base, input: input.slice(0, at) } as ResponsesRequest;
    const sent = send(model, first);
    const before = JSON.stringify(sent.messages);
    const cache = new ConversationCache();
    cache.remember({ responseId: "r", threadKey: "t", model: "m", input: first.input as InputItem[], output: [], upstreamMessages: sent.messages });
    const next = { ...base, input: [...input.slice(0, at), ...input.slice(at)] } as ResponsesRequest;
    const continuation = threadContinuation(cache, "t", next, isAnthropicMessages);
    expect(continuation).toBeDefined();
    const got = send(model, next, continuation);
    expect(shares(got.messages, sent.messages)).toBe(true);
    expect(JSON.stringify(sent.messages)).toBe(before);
  });
});
