import { describe, expect, it } from "vitest";
import { convertResponsesRequestToChat } from "./convert-responses-request-to-chat.ts";
import { ConversationCache, type CachedConversation } from "../responses/conversation-cache.ts";
import type { InputItem, OutputItem, ResponsesRequest } from "../responses/responses-types.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import { DEFAULT_TIMEOUTS } from "../settings/settings-types.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

const model: ModelConfig = { slug: "m", model: "up-model", provider: "openai", baseUrl: "http://127.0.0.1:9/v1", displayName: "m", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS };
interface Req extends ResponsesRequest {
  input: InputItem[];
}
const turns: Req[] = [1, 2, 3].map((i) => codexRequestBody(`tool-loop-turn${i}`));

/** A cache entry as the request machine leaves it: the request's input, its output, the chat messages it sent. */
function entryFor(req: Req, outputCount: number, next: InputItem[]): CachedConversation {
  const { body } = convertResponsesRequestToChat(req, model, []);
  const output = next.slice(req.input.length, req.input.length + outputCount) as unknown as OutputItem[];
  return new ConversationCache().remember({ responseId: "resp_1", threadKey: undefined, model: "m", input: req.input, output, upstreamMessages: body.messages });
}

function continued(prev: CachedConversation, req: Req) {
  const newItems = req.input.slice(prev.input.length + prev.output.length);
  return convertResponsesRequestToChat(req, model, [], { previous: prev, newItems }).body.messages;
}

describe("incremental chat translation of a continuation", () => {
  it("equals translating the whole conversation, turn after turn of a real Codex tool loop", () => {
    // turn 2 = turn 1's input + its output (reasoning, function_call) + the new function_call_output
    const prev1 = entryFor(turns[0], 2, turns[1].input);
    const inc2 = continued(prev1, turns[1]);
    expect(inc2).toEqual(convertResponsesRequestToChat(turns[1], model, []).body.messages);
    // the cached messages are reused by reference, not rebuilt
    expect(inc2.slice(0, prev1.upstreamMessages!.length).every((m, i) => m === prev1.upstreamMessages![i])).toBe(true);

    const prev2 = new ConversationCache().remember({ ...prev1, responseId: "resp_2", input: turns[1].input, output: turns[2].input.slice(7, 9) as unknown as OutputItem[], upstreamMessages: inc2 });
    expect(continued(prev2, turns[2])).toEqual(convertResponsesRequestToChat(turns[2], model, []).body.messages);
  });

  it("merges across the join as the whole translation does (Codex's prewarm: one developer message, no output)", () => {
    const prewarm: Req = { ...turns[0], input: turns[0].input.slice(0, 1) };
    const prev = entryFor(prewarm, 0, turns[0].input);
    const cachedFirst = structuredClone(prev.upstreamMessages![0]);
    expect(continued(prev, turns[0])).toEqual(convertResponsesRequestToChat(turns[0], model, []).body.messages);
    // the cached system message was not modified by the merge
    expect(prev.upstreamMessages![0]).toEqual(cachedFirst);
  });

  it("falls back to the whole translation when reuse would not be exact", () => {
    const prev = entryFor(turns[0], 2, turns[1].input);
    const full = convertResponsesRequestToChat(turns[1], model, []).body.messages;
    // other instructions, another tool set, input ending inside an assistant turn, nothing cached
    const variants: Req[] = [
      { ...turns[1], instructions: "Be terse." },
      { ...turns[1], tools: [] },
    ];
    for (const req of variants) {
      const out = convertResponsesRequestToChat(req, model, [], { previous: prev, newItems: turns[1].input.slice(6) }).body.messages;
      expect(out).toEqual(convertResponsesRequestToChat(req, model, []).body.messages);
    }
    // the previous input ends with assistant text that the next call joins into one assistant message
    const said: InputItem = { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me look." }] } as InputItem;
    const midInput: InputItem[] = [...turns[1].input.slice(0, 4), said];
    const midReq: Req = { ...turns[1], input: [...midInput, ...turns[1].input.slice(5)] };
    const midTurn = new ConversationCache().remember({ ...prev, input: midInput, output: [], upstreamMessages: convertResponsesRequestToChat({ ...turns[1], input: midInput }, model, []).body.messages });
    const mid = convertResponsesRequestToChat(midReq, model, [], { previous: midTurn, newItems: turns[1].input.slice(5) }).body.messages;
    expect(mid).toEqual(convertResponsesRequestToChat(midReq, model, []).body.messages);
    expect(mid.filter((m) => m.role === "assistant")).toHaveLength(1);
    // a new output that answers a call of the cached part: still the same as the whole translation
    const late: InputItem = { type: "function_call_output", call_id: "call_from_before", output: "late" } as InputItem;
    const callBefore: InputItem = { type: "function_call", call_id: "call_from_before", name: "exec_command", arguments: "{}" } as InputItem;
    const withCall: Req = { ...turns[1], input: [...turns[1].input.slice(0, 4), callBefore, { type: "function_call_output", call_id: "call_from_before", output: "first" } as InputItem] };
    const prevWithCall = new ConversationCache().remember({ ...prev, input: withCall.input, output: [], upstreamMessages: convertResponsesRequestToChat(withCall, model, []).body.messages });
    const lateReq: Req = { ...withCall, input: [...withCall.input, late] };
    expect(convertResponsesRequestToChat(lateReq, model, [], { previous: prevWithCall, newItems: [late] }).body.messages).toEqual(convertResponsesRequestToChat(lateReq, model, []).body.messages);
    const bare = new ConversationCache().remember({ ...prev, upstreamMessages: undefined });
    expect(continued(bare, turns[1])).toEqual(full);
  });
});
