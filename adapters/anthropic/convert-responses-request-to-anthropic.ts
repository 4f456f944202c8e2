import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import { buildUpstreamToolSet, type UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import type { AnthropicMessage, AnthropicRequest, AnthropicTool, AnthropicToolChoice } from "./anthropic-types.ts";
import { convertResponsesInputToConversation } from "../conversation/convert-responses-input-to-conversation.ts";
import { finishAnthropicMessages, renderAnthropicTurns, type AnthropicRenderOptions } from "./render-anthropic-messages.ts";
import { continueAnthropicMessages, noteAnthropicMessages, type AnthropicContinuation } from "./continue-anthropic-messages.ts";
import { instructionsOf } from "../conversation/continuation-boundaries.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import { markSharedHistory } from "../transport/shared-history.ts";
import { defaultMaxTokens, planThinking } from "./anthropic-model-capabilities.ts";
import { placeCacheBreakpoints, promptCachingEnabled } from "./place-cache-breakpoints.ts";
import { isRemoteCompaction } from "../compaction/is-remote-compaction.ts";

export interface AnthropicConversion {
  body: AnthropicRequest;
  tools: UpstreamToolSet;
  /** The input ends with `compaction_trigger`: answer with one `compaction` item (remote compaction v2). */
  remoteCompaction: boolean;
}

function inputSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  return parameters.type === "object" ? parameters : { ...parameters, type: "object", properties: parameters.properties ?? {} };
}

function mapToolChoice(tools: UpstreamToolSet, req: ResponsesRequest): AnthropicToolChoice | undefined {
  const c = tools.mapToolChoice(req.tool_choice);
  if (c?.mode === "none") return { type: "none" };
  const noParallel = req.parallel_tool_calls === false;
  const choice: AnthropicToolChoice | undefined =
    c?.mode === "required" ? { type: "any" } : c?.mode === "tool" ? { type: "tool", name: c.name } : c || noParallel ? { type: "auto" } : undefined;
  if (choice && noParallel) choice.disable_parallel_tool_use = true;
  return choice;
}

/**
 * With thinking on, the assistant turn that a tool result answers must start with its thinking
 * block (the API rejects it otherwise). When that block is not available — the turn came from
 * another model, or it was produced without thinking — thinking is turned off for this request.
 */
function toolLoopLacksThinking(messages: AnthropicMessage[]): boolean {
  const last = messages[messages.length - 1];
  if (!last || last.role !== "user" || !last.content.some((b) => b.type === "tool_result")) return false;
  const prev = messages[messages.length - 2];
  if (!prev || prev.role !== "assistant") return false;
  const first = prev.content[0];
  return !first || (first.type !== "thinking" && first.type !== "redacted_thinking");
}

/**
 * Responses request → Anthropic Messages request. Only fields the Messages API defines are
 * sent (`store`, `include`, `prompt_cache_key`, `client_metadata` … are dropped).
 */
export function convertResponsesRequestToAnthropic(req: ResponsesRequest, model: ModelConfig, notes: string[], continuation?: RouteContext["continuation"]): AnthropicConversion {
  const tools = buildUpstreamToolSet(req.tools ?? [], notes);
  const opts: AnthropicRenderOptions = { model: model.model, noImages: model.noImageSupport, tools, notes };
  const toolNames = tools.functions.map((f) => f.name).join(",");
  // A continuation renders only what came after the cached input (null: render it all).
  const continued = continueAnthropicMessages(continuation, req, opts, toolNames);
  const { system, messages, extendable } = continued ?? renderWhole(req, opts);
  // shared with the turn before: their encodings are worth keeping (encode-json-body.ts)
  if (continued) markSharedHistory(messages);
  const conversationSystem = system.slice();
  const maxTokens = req.max_output_tokens ?? model.maxOutputTokens ?? defaultMaxTokens(model.model);
  const body: AnthropicRequest = { model: model.model, max_tokens: maxTokens, messages, stream: true };
  const format = req.text?.format;
  if (format?.type === "json_schema" && "schema" in format && format.schema) {
    // The Messages API has no response_format; `codex exec --output-schema` still needs JSON.
    system.push({ type: "text", text: `Your final answer must be a single JSON value that matches this JSON schema, with no code fence and no other text:\n${JSON.stringify(format.schema)}` });
    notes.push("json_schema output format sent as a system instruction");
  }
  if (system.length) body.system = system;
  const remoteCompaction = isRemoteCompaction(req.input);
  // A summary is wanted, not tool calls: the tools stay out of a compaction request.
  if (tools.functions.length && !remoteCompaction) {
    body.tools = tools.functions.map((f): AnthropicTool => ({ name: f.name, description: f.description, input_schema: inputSchema(f.parameters) }));
    const choice = mapToolChoice(tools, req);
    if (choice) body.tool_choice = choice;
  }

  let thinking = model.reasoning === false ? null : planThinking(model.model, req.reasoning?.effort, maxTokens);
  if (thinking && (body.tool_choice?.type === "any" || body.tool_choice?.type === "tool")) {
    notes.push("thinking off: a forced tool_choice cannot be combined with thinking");
    thinking = null;
  }
  if (thinking && toolLoopLacksThinking(messages)) {
    notes.push("thinking off: the tool call being answered has no thinking block from this model");
    thinking = null;
  }
  if (thinking) {
    Object.assign(body, thinking);
    if (typeof req.temperature === "number" || typeof req.top_p === "number") notes.push("temperature/top_p not sent: thinking requires the defaults");
  } else {
    if (typeof req.temperature === "number") body.temperature = req.temperature;
    if (typeof req.top_p === "number") body.top_p = req.top_p;
  }
  const marked = promptCachingEnabled(model.promptCaching, model.baseUrl) ? placeCacheBreakpoints(body).messages : [];
  noteAnthropicMessages(body.messages, { instructions: instructionsOf(req), model: model.model, noImages: model.noImageSupport, toolNames, system: conversationSystem, marked, extendable });
  return { body, tools, remoteCompaction };
}

function renderWhole(req: ResponsesRequest, opts: AnthropicRenderOptions): AnthropicContinuation {
  const { system, messages } = renderAnthropicTurns(convertResponsesInputToConversation(req, opts), opts);
  const extendable = messages.length > 0 && messages[messages.length - 1].role === "user";
  return { system, messages: finishAnthropicMessages(messages), extendable };
}
