import type { OutputWriter } from "../../adapters/routes/upstream-route.ts";
import { newResponseId } from "../../adapters/responses/new-id.ts";
import type { ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { pumpUpstreamToResponses } from "../../adapters/stream/pump-upstream-to-responses.ts";
import type { ByteSink } from "../../adapters/stream/sse-body-sink.ts";
import { chatRoute } from "../../adapters/chat/chat-route.ts";
import { upstreamBodyText } from "../../adapters/transport/upstream-transport.ts";
import { anthropicRoute } from "../../adapters/anthropic/anthropic-route.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../../adapters/settings/settings-types.ts";
import { checkCodexStream, type CodexStreamReport } from "../helpers/check-codex-stream.ts";

/**
 * The audit drives the REAL route code end to end without a network: `route.prepare()` builds the
 * upstream request from a Responses request, the upstream answer is cut into byte pieces and fed
 * through the real pump (eventsource-parser → translator → writer → sink), and the Responses SSE
 * that would reach Codex is checked against Codex's item rules.
 */
export type RouteKind = "chat" | "anthropic";

export function auditModel(kind: RouteKind, over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    slug: "audit-slug",
    model: kind === "chat" ? "deepseek-chat" : "claude-sonnet-4-5",
    provider: kind === "chat" ? "generic-chat-completion-api" : "anthropic",
    baseUrl: kind === "chat" ? "http://127.0.0.1:9/v1" : "http://127.0.0.1:9/v1",
    displayName: "audit",
    noImageSupport: false,
    extraHeaders: {},
    index: 0,
    timeouts: DEFAULT_TIMEOUTS,
    promptCaching: false,
    ...over,
  };
}

export interface Prepared {
  /** The JSON body the shim would send upstream. */
  sent: any;
  headers: Record<string, string>;
  url: string;
  notes: string[];
  prepared: ReturnType<typeof chatRoute.prepare>;
}

export function prepare(kind: RouteKind, request: Partial<ResponsesRequest>, model: ModelConfig = auditModel(kind)): Prepared {
  const route = kind === "chat" ? chatRoute : anthropicRoute;
  const notes: string[] = [];
  const req = { model: model.slug, stream: true, ...request } as ResponsesRequest;
  const prepared = route.prepare({ request: req, model, apiKey: "sk-audit-key-0123456789", requestedSlug: model.slug, notes });
  return { sent: JSON.parse(upstreamBodyText(prepared.request.body)), headers: prepared.request.headers as Record<string, string>, url: prepared.request.url, notes, prepared };
}

export interface Translation extends CodexStreamReport {
  sse: string;
  writer: OutputWriter;
  sent: any;
  notes: string[];
}

/** Splits text into pieces of `size` bytes (1 = byte by byte), as TCP might deliver it. */
function bodyStream(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i >= bytes.length) {
        c.close();
        return;
      }
      const n = size > 0 ? size : bytes.length;
      c.enqueue(bytes.slice(i, i + n));
      i += n;
    },
  });
}

export interface TranslateOptions {
  model?: ModelConfig;
  /** Byte piece size; 0 = the whole body in one chunk. */
  pieceSize?: number;
  contentType?: string;
}

/** Prepares the request through the real route, then pumps `upstreamBody` through its translator. */
export async function translate(kind: RouteKind, request: Partial<ResponsesRequest>, upstreamBody: string, o: TranslateOptions = {}): Promise<Translation> {
  const model = o.model ?? auditModel(kind);
  const p = prepare(kind, request, model);
  const { writer, translator } = p.prepared.createOutput({ responseId: newResponseId(), model: model.slug });
  let sse = "";
  const dec = new TextDecoder();
  const sink: ByteSink = {
    closed: false,
    write(chunk) {
      sse += dec.decode(chunk, { stream: true });
    },
    close() {},
  };
  await pumpUpstreamToResponses({
    body: bodyStream(upstreamBody, o.pieceSize ?? 0),
    contentType: o.contentType ?? "text/event-stream",
    translator,
    writer,
    sink,
    signal: new AbortController().signal,
    keepAliveMs: 0,
  });
  const report = checkCodexStream(sse);
  return { ...report, sse, writer, sent: p.sent, notes: p.notes };
}

/** Same translation at several piece sizes; asserts they agree on the items and terminal event. */
export async function translateAllCuts(kind: RouteKind, request: Partial<ResponsesRequest>, upstreamBody: string, o: TranslateOptions = {}): Promise<Translation> {
  const whole = await translate(kind, request, upstreamBody, { ...o, pieceSize: 0 });
  for (const size of [1, 7, 64]) {
    const cut = await translate(kind, request, upstreamBody, { ...o, pieceSize: size });
    const strip = (items: any[]) => JSON.stringify(items.map(({ id: _id, ...rest }) => rest));
    if (strip(cut.items) !== strip(whole.items) || cut.terminal?.type !== whole.terminal?.type)
      throw new Error(`translation differs when the upstream body is cut into ${size}-byte pieces:\n${strip(whole.items)}\nvs\n${strip(cut.items)}`);
  }
  return whole;
}

// ---- upstream stream builders --------------------------------------------------------------

export function chatSseBody(chunks: unknown[], opts: { done?: boolean } = {}): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + (opts.done === false ? "" : "data: [DONE]\n\n");
}

export function chatDelta(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return { id: "chatcmpl-audit", object: "chat.completion.chunk", model: "up", choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

export function chatToolDelta(calls: Record<string, unknown>[], finish: string | null = null) {
  return chatDelta({ tool_calls: calls }, finish);
}

export function usageChunk(usage: Record<string, unknown>) {
  return { id: "chatcmpl-audit", object: "chat.completion.chunk", choices: [], usage };
}

export function anthropicSseBody(events: unknown[]): string {
  return events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

export function anthropicMessageStart(usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }, model = "claude-sonnet-4-5") {
  return { type: "message_start", message: { id: "msg_audit", type: "message", role: "assistant", model, content: [], stop_reason: null, usage } };
}

export function anthropicEnd(stopReason: string, usage: Record<string, unknown> = { output_tokens: 5 }) {
  return [{ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage }, { type: "message_stop" }];
}

export function anthropicToolBlock(index: number, id: string, name: string, jsonPieces: string[], startInput: unknown = {}) {
  return [
    { type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: startInput } },
    ...jsonPieces.map((p) => ({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } })),
    { type: "content_block_stop", index },
  ];
}

export function anthropicTextBlock(index: number, text: string) {
  return [
    { type: "content_block_start", index, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index, delta: { type: "text_delta", text } },
    { type: "content_block_stop", index },
  ];
}

export function anthropicThinkingBlock(index: number, thinking: string, signature: string) {
  return [
    { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } },
    { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } },
    { type: "content_block_delta", index, delta: { type: "signature_delta", signature } },
    { type: "content_block_stop", index },
  ];
}

// ---- Responses input builders ----------------------------------------------------------------

export const userMsg = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
export const devMsg = (text: string) => ({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
export const assistantMsg = (text: string, extra: Record<string, unknown> = {}) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }], ...extra });
export const fnCall = (call_id: string, name: string, args: unknown, extra: Record<string, unknown> = {}) => ({
  type: "function_call",
  call_id,
  name,
  arguments: typeof args === "string" ? args : JSON.stringify(args),
  ...extra,
});
export const fnOut = (call_id: string, output: unknown) => ({ type: "function_call_output", call_id, output });

export const EXEC_TOOL = {
  type: "function",
  name: "exec_command",
  description: "Runs a command",
  strict: false,
  parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"], additionalProperties: false },
};

export const APPLY_PATCH_TOOL = {
  type: "custom",
  name: "apply_patch",
  description: "The `apply_patch` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.",
  format: { type: "grammar", syntax: "lark", definition: "start: begin_patch hunk+ end_patch" },
};

export const PATCH = "*** Begin Patch\n*** Update File: out.txt\n@@\n-hello\n+hello world\n*** End Patch";
