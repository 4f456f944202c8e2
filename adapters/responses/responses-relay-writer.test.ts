import { describe, expect, it } from "vitest";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";
import { buildUpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { nativeToolCallMapper } from "../openai-responses/map-native-tool-calls.ts";
import { createRelayTranslator, ResponsesRelayWriter } from "./responses-relay-writer.ts";

const ev = (o: Record<string, unknown>) => JSON.stringify(o);
const created = (seq: number) => ev({ type: "response.created", sequence_number: seq, response: { id: "resp_up", object: "response", status: "in_progress", model: "qwen3", output: [] } });

describe("ResponsesRelayWriter", () => {
  it("relays events byte for byte apart from the model name, and sends no keep-alive unless asked", () => {
    const w = new ResponsesRelayWriter({ responseId: "resp_shim", modelOverride: "local" });
    const delta = ev({ type: "response.output_text.delta", sequence_number: 1, item_id: "m", output_index: 0, content_index: 0, delta: "hé" });
    w.relay(created(0), "response.created");
    w.relay(delta, "response.output_text.delta");
    w.keepAlive();
    const out = w.take();
    expect(out).toContain(`data: ${delta}\n\n`);
    expect(out).toContain('"model":"local"');
    expect(out).not.toContain("response.in_progress");
  });

  it("inserts keep-alives after response.created and shifts later sequence numbers so they stay strictly increasing", () => {
    const w = new ResponsesRelayWriter({ responseId: "resp_shim", modelOverride: null, keepAlive: true });
    w.keepAlive(); // nothing to say before the upstream's response.created
    expect(w.take()).toBe("");
    w.relay(created(0), "response.created");
    w.keepAlive();
    w.keepAlive();
    w.relay(ev({ type: "response.output_text.delta", sequence_number: 1, item_id: "m", output_index: 0, content_index: 0, delta: "x" }), undefined);
    w.relay(ev({ type: "response.completed", sequence_number: 2, response: { id: "resp_up", object: "response", status: "completed", model: "qwen3", output: [], usage: { input_tokens: 3, output_tokens: 1 } } }), undefined);
    const events = parseSseEvents(w.take());
    expect(events.map((e: any) => e.type)).toEqual(["response.created", "response.in_progress", "response.in_progress", "response.output_text.delta", "response.completed"]);
    expect(events.map((e: any) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
    expect(events[1].response).toMatchObject({ id: "resp_up", status: "in_progress" });
    expect(w.status).toBe("completed");
  });

  it("completes a usage without totals when asked (Codex fails a turn whose usage lacks total_tokens)", () => {
    const w = new ResponsesRelayWriter({ responseId: "r", modelOverride: null, normalizeUsage: true });
    w.relay(ev({ type: "response.completed", response: { id: "r", status: "completed", output: [], usage: { input_tokens: 3, output_tokens: 2 } } }), undefined);
    const [done] = parseSseEvents(w.take()) as any[];
    expect(done.response.usage).toEqual({ input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 5 });
    expect(w.usage?.total_tokens).toBe(5);
  });

  it("maps reshaped tool calls back: {input} function → custom_tool_call (argument deltas held back), ns__name → namespace call", () => {
    const notes: string[] = [];
    const tools = buildUpstreamToolSet(
      [
        { type: "custom", name: "apply_patch" },
        { type: "namespace", name: "multi_agent_v1", tools: [{ type: "function", name: "spawn_agent" }] },
      ] as never,
      notes,
    );
    const w = new ResponsesRelayWriter({ responseId: "r", modelOverride: null, items: nativeToolCallMapper(tools) });
    const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch";
    const args = JSON.stringify({ input: patch });
    w.relay(ev({ type: "response.output_item.added", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "apply_patch", arguments: "", status: "in_progress" } }), undefined);
    w.relay(ev({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: args.slice(0, 10) }), undefined);
    w.relay(ev({ type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 0, arguments: args }), undefined);
    w.relay(ev({ type: "response.output_item.done", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "apply_patch", arguments: args, status: "completed" } }), undefined);
    // a call that is not held keeps its deltas, byte for byte, even when its text quotes the held id
    const other = ev({ type: "response.function_call_arguments.delta", item_id: "fc_2", output_index: 1, delta: '{"note":"fc_1"' });
    w.relay(other, undefined);
    w.relay(ev({ type: "response.output_item.done", output_index: 1, item: { type: "function_call", id: "fc_2", call_id: "call_2", name: "multi_agent_v1__spawn_agent", arguments: "{}", status: "completed" } }), undefined);
    const completedOutput = [
      { type: "function_call", id: "fc_1", call_id: "call_1", name: "apply_patch", arguments: args, status: "completed" },
      { type: "function_call", id: "fc_2", call_id: "call_2", name: "multi_agent_v1__spawn_agent", arguments: "{}", status: "completed" },
    ];
    w.relay(ev({ type: "response.completed", response: { id: "r", status: "completed", output: completedOutput, usage: null } }), undefined);
    const out = w.take();
    expect(out).toContain(`data: ${other}\n\n`);
    const events = parseSseEvents(out) as any[];
    expect(events.map((e) => e.type)).toEqual(["response.output_item.added", "response.output_item.done", "response.function_call_arguments.delta", "response.output_item.done", "response.completed"]);
    expect(events[0].item).toEqual({ type: "custom_tool_call", id: "fc_1", call_id: "call_1", status: "in_progress", name: "apply_patch", input: "" });
    expect(events[1].item).toMatchObject({ type: "custom_tool_call", call_id: "call_1", input: patch });
    expect(events[3].item).toMatchObject({ type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1" });
    expect(events[4].response.output.map((i: any) => i.type)).toEqual(["custom_tool_call", "function_call"]);
    expect(w.toolCallCount).toBe(2);
  });

  it("a failure it reports itself continues the upstream's sequence when OpenAI writes sequence_number last (after a long item)", () => {
    const w = new ResponsesRelayWriter({ responseId: "r", modelOverride: null });
    const t = createRelayTranslator(w);
    // key order as in test/__fixtures__/upstream-recorded/openai-responses: the object first, sequence_number last
    t.onEvent(ev({ type: "response.created", response: { id: "r", object: "response", status: "in_progress", model: "m", output: [] }, sequence_number: 0 }), "response.created");
    const text = "x".repeat(400);
    t.onEvent(ev({ type: "response.output_item.done", item: { id: "msg_1", type: "message", status: "completed", content: [{ type: "output_text", text }], role: "assistant" }, output_index: 0, sequence_number: 7 }), "response.output_item.done");
    t.onEnd();
    const events = parseSseEvents(w.take()) as any[];
    expect(events.map((e) => e.sequence_number)).toEqual([0, 7, 8]);
    expect(events.at(-1).type).toBe("response.failed");
  });

  it("a final response with an empty output: the response object (what the cache and the store keep) lists the done items; Codex gets the event as it came", () => {
    const w = new ResponsesRelayWriter({ responseId: "r", modelOverride: null });
    const msg = { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "hi" }] };
    w.relay(created(0), "response.created");
    w.relay(ev({ type: "response.output_item.done", sequence_number: 1, output_index: 0, item: msg }), "response.output_item.done");
    const completed = ev({ type: "response.completed", sequence_number: 2, response: { id: "resp_up", object: "response", status: "completed", model: "qwen3", output: [] } });
    w.relay(completed, "response.completed");
    expect(w.take()).toContain(`data: ${completed}\n\n`);
    expect(w.responseObject().output).toEqual([msg]);
    expect(w.hasOutput).toBe(true);
  });

  it("fails a stream that ends without a terminal event, naming the upstream", () => {
    const w = new ResponsesRelayWriter({ responseId: "r", modelOverride: null, upstreamName: "Responses upstream", keepAlive: true });
    const t = createRelayTranslator(w);
    t.onEvent(created(0), "response.created");
    t.onEnd();
    const events = parseSseEvents(w.take()) as any[];
    expect(events.at(-1)).toMatchObject({ type: "response.failed", sequence_number: 1, response: { status: "failed", error: { code: "server_error", message: "The Responses upstream stream closed before response.completed." } } });
  });
});
