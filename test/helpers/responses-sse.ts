/**
 * Builds a native Responses SSE stream the way OpenAI-style servers send it (sequence numbers,
 * `event:` lines, one item per tool call), for scripted Responses upstreams in tests.
 */
export type ScriptedOutput = { text: string } | { call: { name: string; arguments: string; callId: string } };

export function responsesSse(id: string, model: string, outputs: ScriptedOutput[], usage: Record<string, unknown> = { input_tokens: 40, output_tokens: 8, total_tokens: 48 }): string {
  let seq = 0;
  const lines: string[] = [];
  const emit = (type: string, rest: Record<string, unknown>) => lines.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...rest })}\n\n`);
  const base = { id, object: "response", created_at: 1, model, status: "in_progress", output: [] as unknown[] };
  emit("response.created", { response: base });
  emit("response.in_progress", { response: base });
  const done: unknown[] = [];
  outputs.forEach((o, index) => {
    if ("text" in o) {
      const item = { type: "message", id: `msg_${index}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: o.text, annotations: [] }] };
      emit("response.output_item.added", { output_index: index, item: { ...item, status: "in_progress", content: [] } });
      emit("response.content_part.added", { output_index: index, item_id: item.id, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
      emit("response.output_text.delta", { output_index: index, item_id: item.id, content_index: 0, delta: o.text });
      emit("response.output_text.done", { output_index: index, item_id: item.id, content_index: 0, text: o.text });
      emit("response.content_part.done", { output_index: index, item_id: item.id, content_index: 0, part: item.content[0] });
      emit("response.output_item.done", { output_index: index, item });
      done.push(item);
    } else {
      const item = { type: "function_call", id: `fc_${index}`, call_id: o.call.callId, name: o.call.name, arguments: o.call.arguments, status: "completed" };
      emit("response.output_item.added", { output_index: index, item: { ...item, arguments: "", status: "in_progress" } });
      emit("response.function_call_arguments.delta", { output_index: index, item_id: item.id, delta: o.call.arguments });
      emit("response.function_call_arguments.done", { output_index: index, item_id: item.id, arguments: o.call.arguments });
      emit("response.output_item.done", { output_index: index, item });
      done.push(item);
    }
  });
  emit("response.completed", { response: { ...base, status: "completed", output: done, usage } });
  return lines.join("");
}
