/**
 * Strip-and-retry for optional request fields an upstream rejects (docs/translation-chat.md,
 * "Parameters an upstream rejects"; decision D12).
 *
 * Codex always sends a reasoning effort, so the chat route always sends `reasoning_effort`; many
 * providers refuse it (or `stream_options`, `parallel_tool_calls`, `verbosity`, …) with a 400/422
 * before streaming. When the error body clearly names one optional top-level field the route
 * added, the connect step drops that field (or swaps `max_tokens` ⇄ `max_completion_tokens`) and
 * sends again, at most MAX_PARAM_RETRIES times, and the omission is remembered per upstream model
 * so later requests skip the failed round trip. Only the error path and the request build use
 * this: with nothing remembered for a model the body is never parsed.
 */
import { upstreamBodyText, type UpstreamBody } from "./upstream-transport.ts";

/** Which request format a route sends (UpstreamRoute.paramWire); routes without one never strip anything. */
export type ParamWire = "chat" | "anthropic" | "responses";

/**
 * Optional top-level fields the shim itself adds, per wire. Never `model`, `messages`, `tools`,
 * `stream`, `system`, or Anthropic's required `max_tokens`. `tool_choice` is only ever "auto" from
 * Codex on chat (the default), so dropping it changes nothing but the rejection.
 */
const OPTIONAL_FIELDS: Readonly<Record<ParamWire, readonly string[]>> = {
  chat: ["reasoning_effort", "stream_options", "parallel_tool_calls", "max_completion_tokens", "max_tokens", "verbosity", "response_format", "temperature", "top_p", "tool_choice"],
  anthropic: ["thinking", "output_config", "temperature", "top_p"],
  // native Responses upstreams: what Codex adds beyond model/input/tools/stream/instructions
  responses: ["reasoning", "include", "prompt_cache_key", "parallel_tool_calls", "store", "service_tier", "text", "max_output_tokens", "temperature", "top_p", "tool_choice", "truncation", "metadata", "safety_identifier", "user"],
};

/** A rejected field that is sent again under the other name (value kept) instead of dropped. */
const RENAMES: Readonly<Record<ParamWire, Readonly<Record<string, string>>>> = {
  chat: { max_tokens: "max_completion_tokens", max_completion_tokens: "max_tokens" },
  anthropic: {},
  responses: {},
};

/** A rejected value of these is a configuration problem (the cap), not an optional extra: no retry. */
const NO_VALUE_DROP = new Set(["max_tokens", "max_completion_tokens"]);

export const MAX_PARAM_RETRIES = 3;

const MAX_REMEMBERED_VALUE = 256;

/** What to do with a field before sending: drop it (only when it holds `value`, if set), or rename it. */
export type ParamAdjustment =
  | { field: string; action: "drop"; /** JSON of the one value the upstream refused; absent = any value. */ value?: string }
  | { field: string; action: "rename"; to: string };

/** One optional field the error body names: the field itself, or only the value sent. */
export interface ParamRejection {
  field: string;
  valueOnly: boolean;
}

// ---- detection ----------------------------------------------------------------------------

/** Wording of "this field is not accepted" across OpenAI, Groq, vLLM/pydantic, LiteLLM, serde, Gemini, Anthropic-compatible servers. */
const FIELD_REJECTED =
  /unsupported[ _](?:parameter|argument|field|property|key)|unrecogni[sz]ed|\bunknown (?:name|field|parameter|argument|key|property|option)|\bextra (?:inputs?|fields?|keys?|properties|parameters?)|extra_forbidden|unexpected (?:keyword |field|parameter|argument|property|key)|cannot find field|no such (?:field|parameter)|additional properties|is not a valid parameter|invalid (?:parameter|field|argument) name/i;

/** Wording of "this value is not accepted" (the field itself would be fine). */
const VALUE_REJECTED =
  /unsupported[ _]value|only the default|input should be|does not match any of the expected|literal_error|\benum\b|is not one of|must be one of|expected one of|not a valid (?:enum )?value|invalid value/i;

/** Vaguer wording, read as "not accepted at all" when nothing above matched. */
const FIELD_REJECTED_LOOSE = /\bunsupported|not supported|does(?: not|n't) support|not permitted|not allowed/i;

/** pydantic/FastAPI `detail[].type` values meaning "unknown field" / "value not allowed". */
const PYDANTIC_FIELD_TYPES = /^(?:extra_forbidden|value_error\.extra|extra_fields?_not_permitted)$/;
const PYDANTIC_VALUE_TYPES = /^(?:literal_error|enum|type_error\.enum|value_error\.const)$/;

/** An indexed path into a required field (`messages.2.content`, `messages[1]`, `tools.0`): the error is about that. */
const REQUIRED_FIELD_PATH = /(?<![A-Za-z0-9_.])(?:messages|tools|system|contents|input)(?:\.\d|\[\d)/;

const MAX_WALK_DEPTH = 6;
const MAX_WALK_ITEMS = 50;
const MENTION_WINDOW = 120;

interface ParamSignal {
  /** The field named by `param` or `loc` (top-level part of a path). */
  name: string;
  /** `code`/`type`/`message`/`msg` beside it. */
  context: string;
  /** From a pydantic `loc` entry: its `type`. */
  pydanticType?: string;
}

function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** `stream_options.include_usage` → `stream_options`; `messages[1].content` → `messages`; `reasoningEffort` → `reasoning_effort` when that is a candidate. */
function topLevelName(path: string, candidates: readonly string[]): string {
  const head = path.replace(/^body[.[]/, "").split(/[.[]/, 1)[0]!.replace(/^['"`]|['"`]$/g, "");
  return candidates.find((c) => c === head || camel(c) === head) ?? head;
}

/** Walks the (bounded) error JSON: `param` fields, pydantic `loc` arrays, and every string except echoed `input`. */
function collect(node: unknown, depth: number, signals: ParamSignal[], texts: string[], candidates: readonly string[]): void {
  if (depth > MAX_WALK_DEPTH || node === null || typeof node !== "object") {
    if (typeof node === "string") texts.push(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node.slice(0, MAX_WALK_ITEMS)) collect(item, depth + 1, signals, texts, candidates);
    return;
  }
  const o = node as Record<string, unknown>;
  const context = ["code", "type", "message", "msg"].map((k) => (typeof o[k] === "string" ? (o[k] as string) : "")).join(" ");
  if (typeof o.param === "string" && o.param) signals.push({ name: topLevelName(o.param, candidates), context });
  if (Array.isArray(o.loc) && o.loc.length) {
    const parts = o.loc.filter((p): p is string => typeof p === "string");
    const head = parts[0] === "body" ? parts[1] : parts[0];
    if (head) signals.push({ name: topLevelName(head, candidates), context, pydanticType: typeof o.type === "string" ? o.type : undefined });
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === "input" || k === "ctx") continue;
    collect(v, depth + 1, signals, texts, candidates);
  }
}

function classify(text: string): "field" | "value" | null {
  if (FIELD_REJECTED.test(text)) return "field";
  if (VALUE_REJECTED.test(text)) return "value";
  if (FIELD_REJECTED_LOOSE.test(text)) return "field";
  return null;
}

function rejection(field: string, kind: "field" | "value" | null): ParamRejection | undefined {
  if (!kind) return undefined;
  if (kind === "value" && NO_VALUE_DROP.has(field)) return undefined;
  return { field, valueOnly: kind === "value" };
}

/**
 * Which optional field (of `sentFields`) a 400/422 error body rejects, if it clearly names one.
 * A structured `param`/`loc` naming any other field (e.g. `messages[1].content`) means the error
 * is about that field, and nothing is retried.
 */
export function detectRejectedParam(wire: ParamWire, status: number, bodyText: string, sentFields: readonly string[]): ParamRejection | undefined {
  if (status !== 400 && status !== 422) return undefined;
  const candidates = OPTIONAL_FIELDS[wire].filter((f) => sentFields.includes(f));
  if (!candidates.length || !bodyText) return undefined;

  const signals: ParamSignal[] = [];
  const texts: string[] = [];
  try {
    collect(JSON.parse(bodyText), 0, signals, texts, candidates);
  } catch {
    texts.push(bodyText);
  }

  if (signals.length) {
    for (const s of signals) {
      if (!candidates.includes(s.name)) continue;
      if (s.pydanticType && PYDANTIC_FIELD_TYPES.test(s.pydanticType)) return rejection(s.name, "field");
      if (s.pydanticType && PYDANTIC_VALUE_TYPES.test(s.pydanticType)) return rejection(s.name, "value");
      const hit = rejection(s.name, classify(s.context));
      if (hit) return hit;
    }
    // The body names the field(s) it is about, and no optional field is rejected among them.
    if (signals.some((s) => s.name && !candidates.includes(s.name))) return undefined;
  }

  // Free text: the first mention of a candidate with rejection wording close to it.
  const text = texts.join("\n");
  if (REQUIRED_FIELD_PATH.test(text)) return undefined;
  let best: { at: number; hit: ParamRejection } | undefined;
  for (const field of candidates) {
    const re = new RegExp(`(?<![A-Za-z0-9_.])(?:${field}|${camel(field)})(?![A-Za-z0-9_])`, "g");
    for (const m of text.matchAll(re)) {
      if (best && m.index >= best.at) break;
      const window = text.slice(Math.max(0, m.index - MENTION_WINDOW), m.index + m[0].length + MENTION_WINDOW);
      const hit = rejection(field, classify(window));
      if (hit) {
        best = { at: m.index, hit };
        break;
      }
    }
  }
  return best?.hit;
}

// ---- applying -----------------------------------------------------------------------------

/** The adjustment for a rejection: the other token-cap name unless already tried, else a drop. */
export function adjustmentFor(wire: ParamWire, r: ParamRejection, body: Record<string, unknown>, tried: ReadonlySet<string>): ParamAdjustment {
  if (r.valueOnly) {
    const value = JSON.stringify(body[r.field]);
    // A long value (a response_format schema) is not worth keeping per value: forget the field.
    if (value.length <= MAX_REMEMBERED_VALUE) return { field: r.field, action: "drop", value };
  }
  const to = RENAMES[wire][r.field];
  if (to && !(to in body) && !tried.has(to)) return { field: r.field, action: "rename", to };
  return { field: r.field, action: "drop" };
}

/** Applies adjustments to a parsed body in place; true when something changed. */
export function applyAdjustments(body: Record<string, unknown>, adjustments: readonly ParamAdjustment[]): boolean {
  let changed = false;
  for (const a of adjustments) {
    if (!(a.field in body)) continue;
    if (a.action === "drop") {
      if (a.value !== undefined && JSON.stringify(body[a.field]) !== a.value) continue;
      delete body[a.field];
    } else {
      if (a.to in body) continue;
      body[a.to] = body[a.field];
      delete body[a.field];
    }
    changed = true;
  }
  return changed;
}

export function describeAdjustment(a: ParamAdjustment, upstreamModel: string): string {
  if (a.action === "rename") return `sent ${a.to} instead of unsupported parameter ${a.field} for model ${upstreamModel}`;
  if (a.value !== undefined) return `dropped unsupported value of parameter ${a.field} for model ${upstreamModel}`;
  return `dropped unsupported parameter ${a.field} for model ${upstreamModel}`;
}

// ---- per-process memory -------------------------------------------------------------------

const MAX_ADJUSTMENTS_PER_MODEL = 8;

/** Adjustments learned per upstream model (wire + base URL + model), least recently used evicted first. */
export class UnsupportedParamMemory {
  private readonly entries = new Map<string, ParamAdjustment[]>();
  private readonly maxModels: number;
  constructor(maxModels = 256) {
    this.maxModels = maxModels;
  }

  static key(wire: ParamWire, baseUrl: string, model: string): string {
    return `${wire} ${baseUrl.replace(/\/+$/, "")} ${model}`;
  }

  get(key: string): readonly ParamAdjustment[] | undefined {
    if (this.entries.size === 0) return undefined;
    const list = this.entries.get(key);
    if (list) {
      this.entries.delete(key);
      this.entries.set(key, list);
    }
    return list;
  }

  remember(key: string, a: ParamAdjustment): void {
    const supersedes = (x: ParamAdjustment) =>
      x.field === a.field && (a.action === "rename" || a.value === undefined || (x.action === "drop" && x.value === a.value));
    const list = (this.entries.get(key) ?? []).filter((x) => !supersedes(x));
    if (list.length >= MAX_ADJUSTMENTS_PER_MODEL) list.shift();
    list.push(a);
    this.entries.delete(key);
    this.entries.set(key, list);
    while (this.entries.size > this.maxModels) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide memory the request machine uses. */
export const unsupportedParamMemory = new UnsupportedParamMemory();

// ---- one request's retries ----------------------------------------------------------------

export interface ParamRetryStep {
  /** The body to send next. */
  body: string;
  /** For the request notes (summary log line). */
  note: string;
}

/**
 * The strip-and-retry state of one upstream call. `applyRemembered` runs before the first send
 * (a Map lookup when nothing is remembered); `next` runs only on a non-OK answer.
 */
export class ParamRetry {
  private attempts = 0;
  private readonly tried = new Set<string>();

  private readonly wire: ParamWire;
  private readonly key: string;
  private readonly upstreamModel: string;
  private readonly memory: UnsupportedParamMemory;

  private constructor(wire: ParamWire, key: string, upstreamModel: string, memory: UnsupportedParamMemory) {
    this.wire = wire;
    this.key = key;
    this.upstreamModel = upstreamModel;
    this.memory = memory;
  }

  /** The retry state for a route's wire (UpstreamRoute.paramWire) and upstream model. */
  static forWire(wire: ParamWire, model: { baseUrl: string; model: string }, memory: UnsupportedParamMemory = unsupportedParamMemory): ParamRetry {
    return new ParamRetry(wire, UnsupportedParamMemory.key(wire, model.baseUrl, model.model), model.model, memory);
  }

  applyRemembered(body: string): string;
  applyRemembered(body: UpstreamBody): UpstreamBody;
  applyRemembered(body: UpstreamBody): UpstreamBody {
    const remembered = this.memory.get(this.key);
    if (!remembered) return body;
    const parsed = parseObject(body);
    return parsed && applyAdjustments(parsed, remembered) ? JSON.stringify(parsed) : body;
  }

  next(status: number, errorBody: string, sentBody: UpstreamBody): ParamRetryStep | null {
    if (this.attempts >= MAX_PARAM_RETRIES || (status !== 400 && status !== 422)) return null;
    const parsed = parseObject(sentBody);
    if (!parsed) return null;
    const r = detectRejectedParam(this.wire, status, errorBody, Object.keys(parsed));
    if (!r) return null;
    const adj = adjustmentFor(this.wire, r, parsed, this.tried);
    if (!applyAdjustments(parsed, [adj])) return null;
    this.attempts++;
    this.tried.add(adj.field);
    if (adj.action === "rename") this.tried.add(adj.to);
    this.memory.remember(this.key, adj);
    return { body: JSON.stringify(parsed), note: describeAdjustment(adj, this.upstreamModel) };
  }
}

function parseObject(body: UpstreamBody): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(upstreamBodyText(body));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
