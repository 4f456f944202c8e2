import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "./responses-event-writer.ts";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";
import { buildUsage } from "./normalize-usage.ts";

const writer = () => new ResponsesEventWriter({ responseId: "resp_1", model: "slug", createdAt: 1, encodeReasoning: (t) => `enc:${t}` });
const events = (w: ResponsesEventWriter) => parseSseEvents(w.take());

describe("ResponsesEventWriter", () => {
  it("writes event: and data: lines with strictly increasing sequence numbers", () => {
    const w = writer();
    w.start();
    w.appendText("a");
    w.appendText("b");
    w.complete();
    const text = w.take();
    expect(text).toMatch(/^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/);
    const evs = parseSseEvents(text);
    expect(evs.map((e) => e.sequence_number)).toEqual(evs.map((_, i) => i));
    expect(evs.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const done = evs.find((e) => e.type === "response.output_item.done");
    expect(done.item).toMatchObject({ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "ab", annotations: [] }] });
    expect(evs.at(-1).response).toMatchObject({ id: "resp_1", status: "completed", model: "slug", usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } });
    expect(evs.at(-1).response.output).toHaveLength(1);
  });

  it("escapes deltas correctly", () => {
    const w = writer();
    w.appendText('quote " backslash \\ newline \n unicode ✓ \u2028');
    const delta = events(w).find((e) => e.type === "response.output_text.delta");
    expect(delta.delta).toBe('quote " backslash \\ newline \n unicode ✓ \u2028');
  });

  it("closes reasoning with encrypted content when text starts, and opens a new message after a tool call", () => {
    const w = writer();
    w.appendReasoning("think");
    w.appendText("hi");
    const h = w.openFunctionCall("call_1", "exec_command");
    w.appendFunctionArgs(h, '{"cmd":');
    w.appendFunctionArgs(h, '"ls"}');
    w.appendText("after");
    w.complete(buildUsage({ input: 5, output: 2 }));
    const evs = events(w);
    const dones = evs.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(dones.map((i) => i.type)).toEqual(["reasoning", "message", "message", "function_call"]);
    expect(dones[0]).toMatchObject({ summary: [{ type: "summary_text", text: "think" }], encrypted_content: "enc:think" });
    expect(dones[3]).toMatchObject({ call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}', status: "completed" });
    expect(typeof dones[3].arguments).toBe("string");
    const completed = evs.at(-1).response;
    expect(completed.output.map((i: { type: string }) => i.type)).toEqual(["reasoning", "message", "function_call", "message"]);
    expect(completed.usage).toMatchObject({ input_tokens: 5, output_tokens: 2, total_tokens: 7 });
  });

  it("emits a custom tool call with raw input", () => {
    const w = writer();
    w.emitCustomToolCall("call_p", "apply_patch", "*** Begin Patch\n*** End Patch");
    w.complete();
    const item = events(w).find((e) => e.type === "response.output_item.done").item;
    expect(item).toMatchObject({ type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" });
  });

  it("an opened custom tool call keeps its output_index while later items are added", () => {
    const w = writer();
    w.start();
    const p = w.openCustomToolCall("call_p", "apply_patch");
    const f = w.openFunctionCall("call_f", "exec_command");
    w.appendFunctionArgs(f, '{"cmd":"ls"}');
    w.closeCustomToolCall(p, "PATCH");
    w.closeCustomToolCall(p, "again"); // a second close is a no-op
    w.closeFunctionCall(f);
    w.complete();
    const evs = events(w);
    expect(evs.filter((e) => e.type === "response.output_item.added").map((e) => [e.output_index, e.item.type, e.item.input])).toEqual([
      [0, "custom_tool_call", ""],
      [1, "function_call", undefined],
    ]);
    const custom = evs.filter((e) => e.type.startsWith("response.custom_tool_call_input."));
    expect(custom.map((e) => [e.type, e.output_index, e.delta ?? e.input])).toEqual([
      ["response.custom_tool_call_input.delta", 0, "PATCH"],
      ["response.custom_tool_call_input.done", 0, "PATCH"],
    ]);
    expect(evs.at(-1).response.output.map((i: any) => [i.type, i.status])).toEqual([
      ["custom_tool_call", "completed"],
      ["function_call", "completed"],
    ]);
    expect(w.toolCallCount).toBe(2);
  });

  it("fail() leaves an opened custom tool call unfinished; complete() finishes it empty", () => {
    const failed = writer();
    failed.openCustomToolCall("c", "apply_patch");
    failed.fail("server_error", "cut");
    expect(events(failed).some((e) => e.type === "response.output_item.done" || e.type === "response.custom_tool_call_input.done")).toBe(false);

    const completed = writer();
    completed.openCustomToolCall("c", "apply_patch");
    completed.complete();
    const done = events(completed).filter((e) => e.type === "response.output_item.done");
    expect(done.map((e) => [e.output_index, e.item.type, e.item.input])).toEqual([[0, "custom_tool_call", ""]]);
  });

  it("ends with exactly one terminal event, and fail() leaves open items unfinished", () => {
    const w = writer();
    w.start();
    w.appendText("partial");
    const h = w.openFunctionCall("c", "f");
    w.appendFunctionArgs(h, "{");
    w.fail("server_error", "cut");
    w.complete();
    w.incomplete("max_output_tokens");
    const evs = events(w);
    expect(evs.filter((e) => /^response\.(completed|failed|incomplete)$/.test(e.type))).toHaveLength(1);
    expect(evs.at(-1)).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "server_error", message: "cut" } } });
    // the half-streamed tool call is never handed to Codex as finished
    expect(evs.some((e) => e.type === "response.output_item.done" && e.item.type === "function_call")).toBe(false);
  });

  it("reports incomplete with a reason", () => {
    const w = writer();
    w.appendText("x");
    w.incomplete("max_output_tokens");
    expect(events(w).at(-1)).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } });
  });

  it("keeps ids unique across writers", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const w = writer();
      w.appendText("x");
      w.complete();
      ids.add(w.responseObject().output[0].id);
    }
    expect(ids.size).toBe(1000);
  });

  it("keep-alive is an ignored event that produces no output item", () => {
    const w = writer();
    w.keepAlive();
    const evs = events(w);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ type: "response.in_progress", sequence_number: 0, response: { id: "resp_1", object: "response", status: "in_progress", output: [] } });
  });
});
