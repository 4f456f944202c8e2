/**
 * Pre-encoded upstream answers for the bench's mock: chat-completions and Anthropic Messages
 * streams, each as a text answer (`tokens` deltas) or a tool call (an exec_command call whose
 * arguments arrive in pieces, as real providers stream them). One Buffer per write.
 */
export type StreamKind = "text" | "tool";
export type UpstreamWire = "chat" | "anthropic" | "responses";

const tokenText = (i: number) => `tok${i} `;

export const expectedText = (tokens: number) => Array.from({ length: tokens }, (_, i) => tokenText(i)).join("");

function argumentPieces(tokens: number): string[] {
  const args = JSON.stringify({ cmd: `npm test -- --reporter=dot ${"--grep parse ".repeat(Math.max(1, Math.floor(tokens / 20)))}`.trim(), workdir: "/home/dev/project", yield_time_ms: 10000 });
  const pieces: string[] = [];
  const step = Math.max(1, Math.ceil(args.length / Math.max(1, tokens)));
  for (let i = 0; i < args.length; i += step) pieces.push(args.slice(i, i + step));
  return pieces;
}

function chatChunks(kind: StreamKind, tokens: number): Buffer[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    Buffer.from(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  const out: Buffer[] = [];
  if (kind === "text") {
    out.push(chunk({ role: "assistant", content: tokenText(0) }));
    for (let i = 1; i < tokens; i++) out.push(chunk({ content: tokenText(i) }));
    out.push(chunk({}, "stop"));
  } else {
    const pieces = argumentPieces(tokens);
    out.push(chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_bench_1", type: "function", function: { name: "exec_command", arguments: pieces[0] } }] }));
    for (const p of pieces.slice(1)) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }));
    out.push(chunk({}, "tool_calls"));
  }
  out.push(Buffer.from(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 50, completion_tokens: tokens, total_tokens: 50 + tokens } })}\n\ndata: [DONE]\n\n`));
  return out;
}

function anthropicChunks(kind: StreamKind, tokens: number): Buffer[] {
  const ev = (type: string, data: Record<string, unknown>) => Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const out: Buffer[] = [
    ev("message_start", { message: { id: "msg_bench", type: "message", role: "assistant", model: "bench-model", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } } }),
  ];
  if (kind === "text") {
    out.push(ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
    for (let i = 0; i < tokens; i++) out.push(ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: tokenText(i) } }));
  } else {
    out.push(ev("content_block_start", { index: 0, content_block: { type: "tool_use", id: "toolu_bench_1", name: "exec_command", input: {} } }));
    for (const p of argumentPieces(tokens)) out.push(ev("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: p } }));
  }
  out.push(ev("content_block_stop", { index: 0 }));
  out.push(ev("message_delta", { delta: { stop_reason: kind === "text" ? "end_turn" : "tool_use", stop_sequence: null }, usage: { output_tokens: tokens } }));
  out.push(ev("message_stop", {}));
  return out;
}

/** A native Responses stream, as the OpenAI API sends it (sequence numbers, one item). */
function responsesChunks(kind: StreamKind, tokens: number): Buffer[] {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  const base = { id: "resp_bench", object: "response", created_at: 1, model: "bench-model", status: "in_progress", output: [] as unknown[] };
  const out: Buffer[] = [ev("response.created", { response: base }), ev("response.in_progress", { response: base })];
  let item: Record<string, unknown>;
  if (kind === "text") {
    item = { type: "message", id: "msg_bench", role: "assistant", status: "completed", content: [{ type: "output_text", text: expectedText(tokens), annotations: [] }] };
    out.push(ev("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", content: [] } }));
    out.push(ev("response.content_part.added", { output_index: 0, item_id: "msg_bench", content_index: 0, part: { type: "output_text", text: "", annotations: [] } }));
    for (let i = 0; i < tokens; i++) out.push(ev("response.output_text.delta", { output_index: 0, item_id: "msg_bench", content_index: 0, delta: tokenText(i) }));
    out.push(ev("response.output_text.done", { output_index: 0, item_id: "msg_bench", content_index: 0, text: expectedText(tokens) }));
  } else {
    const pieces = argumentPieces(tokens);
    item = { type: "function_call", id: "fc_bench", call_id: "call_bench_1", name: "exec_command", arguments: pieces.join(""), status: "completed" };
    out.push(ev("response.output_item.added", { output_index: 0, item: { ...item, arguments: "", status: "in_progress" } }));
    for (const p of pieces) out.push(ev("response.function_call_arguments.delta", { output_index: 0, item_id: "fc_bench", delta: p }));
    out.push(ev("response.function_call_arguments.done", { output_index: 0, item_id: "fc_bench", arguments: pieces.join("") }));
  }
  out.push(ev("response.output_item.done", { output_index: 0, item }));
  out.push(ev("response.completed", { response: { ...base, status: "completed", output: [item], usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: tokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 50 + tokens } } }));
  return out;
}

export function streamChunks(wire: UpstreamWire, kind: StreamKind, tokens: number): Buffer[] {
  return wire === "chat" ? chatChunks(kind, tokens) : wire === "anthropic" ? anthropicChunks(kind, tokens) : responsesChunks(kind, tokens);
}

/** `/tool/v1/messages` → anthropic tool; `/text/v1/responses` → Responses text; `/v1/chat/completions` → chat text (the old bench's path). */
export function scriptForPath(path: string): { wire: UpstreamWire; kind: StreamKind } {
  const wire: UpstreamWire = path.endsWith("/messages") ? "anthropic" : path.endsWith("/responses") ? "responses" : "chat";
  return { wire, kind: path.startsWith("/tool/") ? "tool" : "text" };
}
