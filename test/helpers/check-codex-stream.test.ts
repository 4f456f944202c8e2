import { describe, expect, it } from "vitest";
import { checkCodexStream } from "./check-codex-stream.ts";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";

const sse = (events: object[]) => events.map((e) => `event: x\ndata: ${JSON.stringify(e)}\n\n`).join("");
const completed = (seq: number, output: unknown[] = [], usage: unknown = null) => ({ type: "response.completed", sequence_number: seq, response: { id: "resp_1", output, usage } });

describe("checkCodexStream", () => {
  it("accepts what the event writer produces", () => {
    const w = new ResponsesEventWriter({ responseId: "resp_1", model: "m" });
    w.start();
    w.appendReasoning("think");
    w.appendText("hi");
    const h = w.openFunctionCall("call_1", "exec_command");
    w.appendFunctionArgs(h, '{"cmd":"ls"}');
    w.emitCustomToolCall("call_2", "apply_patch", "*** Begin Patch\n*** End Patch");
    w.complete({ input_tokens: 1, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 3 });
    const r = checkCodexStream(w.take());
    expect(r.errors).toEqual([]);
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "message", "function_call", "custom_tool_call"]);
    expect(r.text).toBe("hi");
    expect(r.reasoning).toBe("think");
  });

  it("flags object arguments, text parts, missing role, missing total_tokens", () => {
    const items = [
      { type: "function_call", id: "fc_1", call_id: "c", name: "f", arguments: { a: 1 } },
      { type: "message", id: "msg_1", role: "assistant", content: [{ type: "text", text: "x" }] },
      { type: "message", id: "msg_2", content: [{ type: "output_text", text: "x" }] },
    ];
    const events = [
      ...items.map((item, i) => ({ type: "response.output_item.done", sequence_number: i, output_index: i, item })),
      completed(3, items, { input_tokens: 1, output_tokens: 1 }),
    ];
    const r = checkCodexStream(sse(events));
    expect(r.errors.join("\n")).toMatch(/arguments is not a string/);
    expect(r.errors.join("\n")).toMatch(/content part type text/);
    expect(r.errors.join("\n")).toMatch(/role undefined/);
    expect(r.errors.join("\n")).toMatch(/total_tokens/);
  });

  it("flags sequence, terminal and open-item violations", () => {
    const events = [
      { type: "response.output_item.added", sequence_number: 1, output_index: 0, item: { type: "message", id: "msg_1", role: "assistant", content: [] } },
      { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_1", output_index: 0, delta: "x" },
      { type: "response.output_text.delta", sequence_number: 2, item_id: "msg_9", output_index: 0, delta: "x" },
      completed(3),
      completed(4),
    ];
    const msg = checkCodexStream(sse(events)).errors.join("\n");
    expect(msg).toMatch(/not greater than/);
    expect(msg).toMatch(/msg_9 that is not open/);
    expect(msg).toMatch(/never done/);
    expect(msg).toMatch(/2 terminal events/);
    expect(checkCodexStream(sse(events.slice(0, 1))).errors.join("\n")).toMatch(/no terminal event/);
  });
});
