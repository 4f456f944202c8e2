import { parseSseEvents } from "./parse-sse.ts";
import { assertResponseResource, assertValidEventStream } from "./open-responses-schema.ts";

/**
 * Checks a Responses SSE stream against the rules Codex 0.169 applies (codex-protocol §6), so a
 * translator test can assert "Codex would accept this" in one call. Reusable by every route.
 *
 * Rules checked:
 * - every event is an object with a string `type` and an integer `sequence_number`, strictly increasing;
 * - exactly one terminal event (`response.completed` / `.incomplete` / `.failed`), and it is the last one;
 * - the terminal `response.id` is a string; `usage`, when present, has integer input/output/total tokens;
 *   a failed response carries `error.code` and `error.message` strings;
 * - every `output_item.added` gets exactly one `output_item.done` with the same id and output_index
 *   (except when the stream failed: open items are then left open on purpose), no done without added
 *   unless it is a standalone item, no item done twice;
 * - deltas point at an item that is open;
 * - done items deserialize in Codex: message has `role: "assistant"` and `output_text` parts with
 *   string text; function_call has string `call_id`, `name`, and `arguments` (a string that parses as
 *   JSON); custom_tool_call has string `call_id`, `name`, `input`; reasoning has a `summary` array of
 *   `summary_text` parts and a string-or-null `encrypted_content`;
 * - the terminal response's `output` lists the done items in output_index order (when not failed).
 */
export interface CodexStreamReport {
  errors: string[];
  events: any[];
  /** Items from `response.output_item.done`, by output_index order. */
  items: any[];
  terminal: any | undefined;
  /** Concatenated text of all assistant message items. */
  text: string;
  /** Concatenated reasoning summary text. */
  reasoning: string;
}

export interface CheckOptions {
  /** Allow `arguments` that are not valid JSON (Codex itself accepts any string). Default false. */
  allowNonJsonArguments?: boolean;
  /**
   * assertCodexStream also validates every event and response object against the Open Responses
   * schema (test/helpers/open-responses-schema.ts). false for streams the shim did not write.
   */
  schema?: boolean;
}

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);
const DELTA_TYPES = new Set([
  "response.output_text.delta",
  "response.reasoning_summary_text.delta",
  "response.reasoning_text.delta",
  "response.function_call_arguments.delta",
  "response.custom_tool_call_input.delta",
]);

const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);

export function checkCodexStream(input: string | any[], opts: CheckOptions = {}): CodexStreamReport {
  const errors: string[] = [];
  let events: any[];
  if (typeof input === "string") {
    try {
      events = parseSseEvents(input);
    } catch (e) {
      return { errors: [`SSE data is not JSON: ${(e as Error).message}`], events: [], items: [], terminal: undefined, text: "", reasoning: "" };
    }
  } else events = input;

  let lastSeq = -1;
  let terminal: any;
  let terminalCount = 0;
  const open = new Map<string, { index: number; type: string }>();
  const doneIds = new Set<string>();
  const doneByIndex = new Map<number, any>();

  events.forEach((e, i) => {
    const where = `event #${i} (${e?.type})`;
    if (!e || typeof e !== "object" || typeof e.type !== "string") {
      errors.push(`event #${i} has no string type`);
      return;
    }
    if (!isInt(e.sequence_number)) errors.push(`${where}: sequence_number is not an integer`);
    else {
      if (e.sequence_number <= lastSeq) errors.push(`${where}: sequence_number ${e.sequence_number} not greater than ${lastSeq}`);
      lastSeq = e.sequence_number;
    }
    if (terminalCount > 0) errors.push(`${where}: event after the terminal event`);
    if (TERMINAL.has(e.type)) {
      terminalCount++;
      terminal = e;
      return;
    }
    if (e.type === "response.output_item.added") {
      const id = e.item?.id;
      if (typeof id !== "string") errors.push(`${where}: added item without string id`);
      else if (open.has(id) || doneIds.has(id)) errors.push(`${where}: item ${id} added twice`);
      else open.set(id, { index: e.output_index, type: e.item.type });
      return;
    }
    if (e.type === "response.output_item.done") {
      const item = e.item;
      const id = item?.id;
      if (typeof id === "string") {
        if (doneIds.has(id)) errors.push(`${where}: item ${id} done twice`);
        const o = open.get(id);
        if (o) {
          if (o.index !== e.output_index) errors.push(`${where}: item ${id} done at output_index ${e.output_index}, added at ${o.index}`);
          if (o.type !== item.type) errors.push(`${where}: item ${id} changed type ${o.type} → ${item.type}`);
          open.delete(id);
        }
        doneIds.add(id);
      }
      if (isInt(e.output_index)) {
        if (doneByIndex.has(e.output_index)) errors.push(`${where}: output_index ${e.output_index} done twice`);
        doneByIndex.set(e.output_index, item);
      }
      checkItem(item, where, errors, opts);
      return;
    }
    if (DELTA_TYPES.has(e.type)) {
      if (typeof e.delta !== "string") errors.push(`${where}: delta is not a string`);
      if (typeof e.item_id === "string" && !open.has(e.item_id)) errors.push(`${where}: delta for item ${e.item_id} that is not open`);
    }
  });

  if (terminalCount === 0) errors.push("no terminal event (response.completed/incomplete/failed)");
  if (terminalCount > 1) errors.push(`${terminalCount} terminal events`);
  const failed = terminal?.type === "response.failed";
  if (terminal) {
    const r = terminal.response;
    if (!r || typeof r.id !== "string") errors.push("terminal response.id is not a string");
    if (r?.usage != null) {
      for (const k of ["input_tokens", "output_tokens", "total_tokens"]) if (!isInt(r.usage[k])) errors.push(`terminal usage.${k} is not an integer`);
    }
    if (failed && (typeof r?.error?.code !== "string" || typeof r?.error?.message !== "string")) errors.push("response.failed without error.code/message strings");
  }
  if (!failed) for (const [id, o] of open) errors.push(`item ${id} (${o.type}) added at output_index ${o.index} but never done`);

  const items = [...doneByIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  if (terminal && !failed && Array.isArray(terminal.response?.output)) {
    const outIds = terminal.response.output.map((o: any) => o?.id);
    const doneList = items.map((o) => o?.id);
    if (JSON.stringify(outIds) !== JSON.stringify(doneList)) errors.push(`terminal output ids ${JSON.stringify(outIds)} differ from done items ${JSON.stringify(doneList)}`);
  }
  const text = items
    .filter((i) => i?.type === "message")
    .flatMap((i) => i.content ?? [])
    .map((p: any) => p.text ?? "")
    .join("");
  const reasoning = items
    .filter((i) => i?.type === "reasoning")
    .flatMap((i) => i.summary ?? [])
    .map((p: any) => p.text ?? "")
    .join("");
  return { errors, events, items, terminal, text, reasoning };
}

function checkItem(item: any, where: string, errors: string[], opts: CheckOptions): void {
  if (!item || typeof item !== "object") {
    errors.push(`${where}: item is not an object`);
    return;
  }
  switch (item.type) {
    case "message":
      if (item.role !== "assistant") errors.push(`${where}: message role ${item.role} (Codex drops it)`);
      if (!Array.isArray(item.content)) errors.push(`${where}: message content is not an array`);
      else
        for (const p of item.content) {
          if (p?.type !== "output_text" && p?.type !== "refusal") errors.push(`${where}: content part type ${p?.type} (Codex drops the item)`);
          if (p?.type === "output_text" && typeof p.text !== "string") errors.push(`${where}: output_text without string text`);
        }
      break;
    case "function_call":
      for (const k of ["call_id", "name"]) if (typeof item[k] !== "string" || !item[k]) errors.push(`${where}: function_call.${k} is not a non-empty string`);
      if (typeof item.arguments !== "string") errors.push(`${where}: function_call.arguments is not a string (Codex drops it)`);
      else if (!opts.allowNonJsonArguments) {
        try {
          JSON.parse(item.arguments);
        } catch {
          errors.push(`${where}: function_call.arguments is not JSON: ${item.arguments.slice(0, 80)}`);
        }
      }
      if (item.namespace !== undefined && typeof item.namespace !== "string") errors.push(`${where}: namespace is not a string`);
      break;
    case "custom_tool_call":
      for (const k of ["call_id", "name"]) if (typeof item[k] !== "string" || !item[k]) errors.push(`${where}: custom_tool_call.${k} is not a non-empty string`);
      if (typeof item.input !== "string") errors.push(`${where}: custom_tool_call.input is not a string`);
      break;
    case "reasoning":
      if (!Array.isArray(item.summary)) errors.push(`${where}: reasoning.summary is not an array`);
      else for (const p of item.summary) if (p?.type !== "summary_text" || typeof p.text !== "string") errors.push(`${where}: bad reasoning summary part`);
      if (item.encrypted_content != null && typeof item.encrypted_content !== "string") errors.push(`${where}: encrypted_content is not a string`);
      if (item.content != null && !Array.isArray(item.content)) errors.push(`${where}: reasoning.content is not an array`);
      break;
    case "local_shell_call":
      if (typeof item.call_id !== "string" || !item.call_id) errors.push(`${where}: local_shell_call.call_id is not a non-empty string`);
      if (item.action?.type !== "exec" || !Array.isArray(item.action.command) || !item.action.command.every((c: unknown) => typeof c === "string"))
        errors.push(`${where}: local_shell_call.action is not {type:"exec", command: string[]}`);
      break;
    case "compaction":
      if (typeof item.encrypted_content !== "string") errors.push(`${where}: compaction without encrypted_content`);
      break;
    default:
      errors.push(`${where}: unexpected item type ${item.type}`);
  }
}

/** Throws with every violation listed; returns the report otherwise. */
export function assertCodexStream(input: string | any[], opts: CheckOptions = {}): CodexStreamReport {
  const r = checkCodexStream(input, opts);
  if (r.errors.length) throw new Error(`Responses stream violates Codex item rules:\n- ${r.errors.join("\n- ")}`);
  if (opts.schema !== false) {
    assertValidEventStream(r.events);
    for (const e of r.events) if (e.response) assertResponseResource(e.response, `${e.type}.response`);
  }
  return r;
}
