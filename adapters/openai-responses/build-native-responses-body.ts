import type { ModelConfig } from "../settings/settings-types.ts";
import type { Tool } from "../responses/responses-types.ts";
import { buildUpstreamToolSet, CUSTOM_TOOL_PARAM, toUpstreamName, type UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { stripForeignReasoning } from "../chatgpt/strip-foreign-reasoning.ts";
import { decodeCompactionSummary, summaryAsUserText } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";
import { isRemoteCompaction } from "../compaction/is-remote-compaction.ts";
import type { NativeResponsesPolicy } from "./native-responses-policy.ts";
import { imageGenerationNote, toolSearchOutputText, webSearchNote } from "../conversation/history-notes.ts";
import { inheritSharedHistory, isSharedHistory } from "../transport/shared-history.ts";

type Json = Record<string, unknown>;

export interface NativeResponsesBody {
  body: Json;
  /**
   * Set when tools were renamed or reshaped on the way up (namespaces flattened, freeform tools as
   * functions): the stream's function calls are mapped back through it. Null = relay as it is.
   */
  tools: UpstreamToolSet | null;
  /** The input ended with `compaction_trigger` (remote compaction v2): the answer becomes one compaction item. */
  compaction: boolean;
}

/** Request fields only Codex's own backend reads; other Responses servers reject or ignore them. */
const CODEX_ONLY_FIELDS = ["client_metadata", "previous_response_id"] as const;

/** Tool types a Responses server runs itself (OpenAI's hosted tools). */
const isHostedTool = (t: Tool) => !["function", "custom", "namespace", "local_shell", "tool_search"].includes(t.type);

const userText = (text: string): Json => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const assistantText = (text: string): Json => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/**
 * Codex's Responses request for a native Responses upstream, changed only where it must be
 * (docs/providers.md, "Native Responses upstreams"): the model name; `previous_response_id` and
 * Codex-only fields removed (the shim rebuilds the history itself); `store` off for stateless
 * servers; reasoning the shim made for another upstream dropped; the shim's compaction items as
 * the summary text; namespace tools flattened and freeform tools as functions where the server
 * knows only functions (their calls and history mapped to match); hosted tools the server cannot
 * run left out, noted. The input array is copied only when an item changes.
 */
export function buildNativeResponsesBody(req: Json, model: ModelConfig, policy: NativeResponsesPolicy, notes: string[]): NativeResponsesBody {
  const body: Json = { ...req, model: model.model };
  for (const f of CODEX_ONLY_FIELDS) delete body[f];
  if (policy.stateless && body.store !== undefined) body.store = false;

  const input = Array.isArray(req.input) ? (req.input as Json[]) : null;
  const compaction = isRemoteCompaction(input);

  // tools: keep what the server runs natively, convert the rest through the shared tool set
  const tools = Array.isArray(req.tools) ? (req.tools as Tool[]) : [];
  const native: Tool[] = [];
  const converted: Tool[] = [];
  for (const t of tools) {
    if (t.type === "function" || (t.type === "custom" && policy.customTools)) native.push(t);
    else if (t.type === "namespace" || t.type === "custom" || t.type === "local_shell") converted.push(t);
    else if (t.type === "tool_search") notes.push("tool_search not sent (Codex-side deferred tools)");
    else if (isHostedTool(t) && policy.hostedTools) native.push(t);
    else notes.push(`hosted tool ${t.type} not sent (the upstream cannot run it)`);
  }
  const toolSet = converted.length ? buildUpstreamToolSet(converted, notes) : null;
  if (compaction) {
    delete body.tools;
    delete body.tool_choice;
    delete body.parallel_tool_calls;
  } else if (tools.length) {
    body.tools = [...native, ...(toolSet?.functions.map((f) => ({ type: "function", name: f.name, description: f.description, parameters: f.parameters })) ?? [])];
    const choice = req.tool_choice as Json | string | undefined;
    if (toolSet && choice && typeof choice === "object" && typeof choice.name === "string") {
      const mapped = toolSet.mapToolChoice(choice as never);
      if (mapped?.mode === "tool") body.tool_choice = { type: "function", name: mapped.name };
    }
  }

  if (input) {
    // rewritten copies are kept per item only when the items come again (a thread's shared history)
    const out = rewriteInput(stripForeignReasoning(input), toolSet, policy, compaction, notes, isSharedHistory(input));
    if (out !== req.input) body.input = out;
  }
  return { body, tools: compaction ? null : toolSet, compaction };
}

function rewriteInput(input: Json[], toolSet: UpstreamToolSet | null, policy: NativeResponsesPolicy, compaction: boolean, notes: string[], memo: boolean): Json[] {
  let out: Json[] | null = null;
  const customAsFunction = !policy.customTools;
  for (let i = 0; i < input.length; i++) {
    const item = input[i];
    const next = rewriteItem(item, toolSet, customAsFunction, policy.hostedTools, compaction, memo);
    if (next === item && !out) continue;
    out ??= input.slice(0, i);
    if (next) out.push(next);
  }
  if (out && out.length !== input.length) notes.push(`${input.length - out.length} Codex-only input item(s) left out`);
  return out ? inheritSharedHistory(input, out) : input;
}

/**
 * The rewritten copy of a history item, by item and the upstream name it got: the same item
 * (a thread's turns share their parsed history, server/body-prefix-reuse.ts) is rewritten to the
 * same object each turn, so its encoding is reused too (encode-json-body.ts). Neither is ever
 * modified.
 */
const rewrites = new WeakMap<Json, { name: string; out: Json }>();

function rewritten(memo: boolean, item: Json, name: string, build: () => Json): Json {
  if (!memo) return build();
  const known = rewrites.get(item);
  if (known?.name === name) return known.out;
  const out = build();
  rewrites.set(item, { name, out });
  return out;
}

/** One input item as the upstream should see it: the same object, a rewritten copy, or null (left out). */
function rewriteItem(item: Json, toolSet: UpstreamToolSet | null, customAsFunction: boolean, hostedTools: boolean, compaction: boolean, memo: boolean): Json | null {
  switch (item.type) {
    case "compaction_trigger":
      return compaction ? userText(COMPACTION_PROMPT) : null;
    case "compaction":
    case "compaction_summary": {
      const c = decodeCompactionSummary(item.encrypted_content);
      if (c) return userText(summaryAsUserText(c.summary));
      return hostedTools ? item : null;
    }
    case "function_call": {
      if (typeof item.namespace !== "string" || !item.namespace) return item;
      const { namespace, ...rest } = item;
      // Without a tool set (no namespace tool sent this turn) the name is flattened as the chat renderer does.
      const name = toolSet ? toolSet.upstreamNameFor({ name: String(item.name), namespace: String(namespace) }) : toUpstreamName(`${String(namespace)}__${String(item.name)}`);
      return rewritten(memo, item, name, () => ({ ...rest, name }));
    }
    case "custom_tool_call": {
      if (!customAsFunction) return item;
      const name = toolSet ? toolSet.upstreamNameFor({ name: String(item.name) }) : String(item.name);
      return rewritten(memo, item, name, () => {
        const fc: Json = { type: "function_call", call_id: item.call_id, name, arguments: JSON.stringify({ [CUSTOM_TOOL_PARAM]: typeof item.input === "string" ? item.input : "" }) };
        if (item.status !== undefined) fc.status = item.status;
        return fc;
      });
    }
    case "custom_tool_call_output":
      return customAsFunction ? rewritten(memo, item, "", () => ({ type: "function_call_output", call_id: item.call_id, output: item.output })) : item;
    case "tool_search_call": {
      const args = item.arguments;
      return { type: "function_call", call_id: str(item.call_id) ?? str(item.id) ?? "call_0", name: "tool_search", arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) };
    }
    case "tool_search_output":
      return { type: "function_call_output", call_id: str(item.call_id) ?? "call_0", output: toolSearchOutputText(item.tools) };
    case "web_search_call":
      return hostedTools ? item : assistantText(webSearchNote(item.action as { query?: unknown; url?: unknown } | null | undefined));
    case "image_generation_call":
      return hostedTools ? item : assistantText(imageGenerationNote(item.revised_prompt));
    default:
      return item;
  }
}
