import type { ScriptStep } from "./scripted-upstream.ts";

/** Anthropic SSE framing: `event: <type>` + `data: <json>` per event (no [DONE]). */
export function anthropicSse(events: unknown[]): string {
  return events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/** A recorded `*.chunks.txt` (one JSON payload per line, kept byte for byte) → SSE bytes. */
export function recordedAnthropicSse(chunksTxt: string): string {
  return chunksTxt
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`)
    .join("");
}

export interface AnthropicUsageSpec {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface ThinkingSpec {
  thinking: string;
  signature: string;
}

export interface AnthropicTurnSpec {
  model?: string;
  id?: string;
  /** Thinking blocks first (each streamed in a few deltas, then its signature). */
  thinking?: ThinkingSpec[];
  redacted?: string[];
  text?: string;
  tools?: { id: string; name: string; input: Record<string, unknown> }[];
  stopReason?: string;
  usage?: AnthropicUsageSpec;
}

function pieces(s: string, n = 3): string[] {
  if (!s) return [];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** The events of one Anthropic answer, the way the real API streams them. */
export function anthropicTurnEvents(t: AnthropicTurnSpec): unknown[] {
  const usage = { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...t.usage };
  const ev: unknown[] = [
    { type: "message_start", message: { id: t.id ?? "msg_test", type: "message", role: "assistant", model: t.model ?? "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } },
  ];
  let index = 0;
  for (const th of t.thinking ?? []) {
    ev.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (const p of pieces(th.thinking)) ev.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: p } });
    ev.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: th.signature } });
    ev.push({ type: "content_block_stop", index });
    index++;
  }
  for (const data of t.redacted ?? []) {
    ev.push({ type: "content_block_start", index, content_block: { type: "redacted_thinking", data } });
    ev.push({ type: "content_block_stop", index });
    index++;
  }
  if (t.text) {
    ev.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    ev.push({ type: "ping" });
    for (const p of pieces(t.text)) ev.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: p } });
    ev.push({ type: "content_block_stop", index });
    index++;
  }
  for (const tool of t.tools ?? []) {
    ev.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: tool.id, name: tool.name, input: {} } });
    ev.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } });
    for (const p of pieces(JSON.stringify(tool.input), 4)) ev.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } });
    ev.push({ type: "content_block_stop", index });
    index++;
  }
  ev.push({ type: "message_delta", delta: { stop_reason: t.stopReason ?? (t.tools?.length ? "tool_use" : "end_turn"), stop_sequence: null }, usage: { output_tokens: usage.output_tokens > 1 ? usage.output_tokens : 12 } });
  ev.push({ type: "message_stop" });
  return ev;
}

/** A scripted-upstream step answering with an Anthropic SSE stream. */
export function anthropicStep(events: unknown[] | AnthropicTurnSpec): ScriptStep {
  const body = anthropicSse(Array.isArray(events) ? events : anthropicTurnEvents(events));
  return (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "request-id": "req_test" });
    res.end(body);
  };
}

/** A step that starts an answer and then sends an Anthropic `error` event (e.g. overloaded). */
export function anthropicMidStreamErrorStep(errorType = "overloaded_error", message = "Overloaded"): ScriptStep {
  const start = anthropicTurnEvents({ text: "partial answer that must not be kept" }).slice(0, 4);
  return (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(anthropicSse([...start, { type: "error", error: { type: errorType, message } }]));
  };
}

/** A step that picks its answer from the request body (for agent loops whose order may vary). */
export function anthropicDecide(pick: (body: any) => ScriptStep): ScriptStep {
  return (req, res) => pick(req.body)(req, res);
}
