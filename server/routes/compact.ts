import type { InputItem, ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { findModel } from "../../adapters/settings/settings-store.ts";
import { contextWindowOf } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { zeroUsage } from "../../adapters/responses/normalize-usage.ts";
import { COMPACTION_PROMPT } from "../../adapters/compaction/compaction-prompt.ts";
import { trimInputForCompaction } from "../../adapters/compaction/trim-input-for-compaction.ts";
import { buildCompactedWindow } from "../../adapters/compaction/build-compacted-window.ts";
import type { ServerContext } from "../server-context.ts";
import { handleResponses } from "./responses.ts";
import { inputItemsOf, restorePreviousResponse } from "../../adapters/responses/restore-previous-response.ts";
import { forwardChatgptCompact } from "../../adapters/chatgpt/chatgpt-compact.ts";

const DEFAULT_CONTEXT = 128_000;

/**
 * POST /v1/responses/compact (older Codex builds; 0.169 compacts with a plain /responses call).
 * The history is summarized by an ordinary non-streaming request through the same request
 * machine as /v1/responses, so it works for every route; the answer is the OpenAI-shaped
 * compacted window: the user's messages plus one `compaction` item carrying the summary.
 */
export async function handleCompact(ctx: ServerContext, req: Request, raw: Record<string, unknown>): Promise<Response> {
  const model = typeof raw.model === "string" ? raw.model : "";
  if (!model) throw new ShimError({ status: 400, code: "invalid_request", message: "`model` is required." });
  // previous_response_id (the spec's compact body has it): the shim rebuilds the conversation, as for /v1/responses.
  if (raw.previous_response_id !== undefined && raw.previous_response_id !== null) {
    const { previous_response_id: _id, ...rest } = raw;
    const restored = restorePreviousResponse(ctx.responses, { model, input: raw.input as ResponsesRequest["input"], previous_response_id: raw.previous_response_id });
    raw = { ...rest, input: restored.input };
  }
  // ChatGPT passthrough slugs use ChatGPT's native compact endpoint (adapters/passthrough).
  const native = await forwardChatgptCompact(raw, ctx.env, ctx.transport, req.signal);
  if (native) return native;
  const input: InputItem[] = inputItemsOf(raw.input as ResponsesRequest["input"]);
  if (!Array.isArray(input) || !input.length) throw new ShimError({ status: 400, code: "invalid_request", message: "`input` must be a non-empty string or array of items." });

  const row = findModel(ctx.store.current, model);
  const trimmed = trimInputForCompaction(input, row ? contextWindowOf(row) : DEFAULT_CONTEXT);
  if (trimmed.droppedItems || trimmed.truncatedOutputs) ctx.log(`[compact] ${model}: dropped ${trimmed.droppedItems} oldest items, shortened ${trimmed.truncatedOutputs} tool outputs to fit the context window`);

  const summarize: ResponsesRequest = {
    model,
    stream: false,
    store: false,
    tools: [],
    input: [...trimmed.input, { type: "message", role: "user", content: [{ type: "input_text", text: COMPACTION_PROMPT }] }],
  };
  if (typeof raw.instructions === "string") summarize.instructions = raw.instructions;
  if (raw.reasoning && typeof raw.reasoning === "object") summarize.reasoning = raw.reasoning as ResponsesRequest["reasoning"];

  const res = await handleResponses(ctx, req, summarize, { remember: false, traceEndpoint: "compact" });
  if (res.status !== 200) return res;
  const obj = (await res.json()) as { output?: { type: string; content?: { type: string; text?: string }[] }[]; usage?: unknown; status?: string };
  const summary = (obj.output ?? [])
    .filter((o) => o.type === "message")
    .flatMap((o) => o.content ?? [])
    .map((p) => (p.type === "output_text" && typeof p.text === "string" ? p.text : ""))
    .join("")
    .trim();
  if (obj.status !== "completed" || !summary) {
    throw new ShimError({ status: 502, code: "server_error", message: `Compaction failed: the model returned ${obj.status === "completed" ? "an empty summary" : `a ${obj.status} response`}.` });
  }
  return Response.json({
    id: newItemId("resp"),
    object: "response.compaction",
    created_at: Math.floor(Date.now() / 1000),
    output: buildCompactedWindow(input, summary, model),
    usage: obj.usage ?? zeroUsage(),
  });
}
