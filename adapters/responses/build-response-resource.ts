import type { OutputItem, ResponseObject, ResponseStatus, ResponsesErrorBody, ResponsesRequest, ResponsesUsage } from "./responses-types.ts";

/**
 * The request-echo half of a `ResponseResource` (Open Responses schema): what the client asked
 * for, `null` where it set nothing and the field is nullable. Where the schema requires a value
 * (sampling numbers, `truncation`, `service_tier`, …) the Responses API's documented default is
 * used, which is also what the shim sends upstream when the client left it unset.
 * Built once per request (it is the same in every snapshot of the response).
 */
export type ResponseEcho = Omit<ResponseObject, "id" | "object" | "created_at" | "completed_at" | "status" | "incomplete_details" | "model" | "output" | "error" | "usage">;

function num(v: unknown, dflt: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : dflt;
}
function int(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Function tools get every field the schema requires (null where unset); other tool types are echoed as sent. */
function echoTool(t: unknown): unknown {
  const o = t as Record<string, unknown>;
  if (o?.type !== "function") return t;
  return {
    ...o,
    description: typeof o.description === "string" ? o.description : null,
    parameters: o.parameters && typeof o.parameters === "object" ? o.parameters : null,
    strict: typeof o.strict === "boolean" ? o.strict : null,
  };
}

export function buildResponseEcho(req: Partial<ResponsesRequest> | undefined, previousResponseId?: string | null): ResponseEcho {
  const r = (req ?? {}) as Record<string, unknown>;
  const reasoning = r.reasoning && typeof r.reasoning === "object" ? (r.reasoning as Record<string, unknown>) : null;
  const text = r.text && typeof r.text === "object" ? (r.text as Record<string, unknown>) : {};
  const echoText: ResponseEcho["text"] = { format: (text.format as { type: string } | undefined) ?? { type: "text" } };
  if (typeof text.verbosity === "string") echoText.verbosity = text.verbosity;
  return {
    previous_response_id: previousResponseId ?? str(r.previous_response_id),
    instructions: str(r.instructions),
    tools: Array.isArray(r.tools) ? r.tools.map(echoTool) : [],
    tool_choice: (r.tool_choice as ResponseEcho["tool_choice"]) ?? "auto",
    truncation: r.truncation === "auto" ? "auto" : "disabled",
    parallel_tool_calls: typeof r.parallel_tool_calls === "boolean" ? r.parallel_tool_calls : true,
    text: echoText,
    top_p: num(r.top_p, 1),
    presence_penalty: num(r.presence_penalty, 0),
    frequency_penalty: num(r.frequency_penalty, 0),
    top_logprobs: int(r.top_logprobs) ?? 0,
    temperature: num(r.temperature, 1),
    reasoning: reasoning ? { effort: str(reasoning.effort), summary: str(reasoning.summary) } : null,
    max_output_tokens: int(r.max_output_tokens),
    max_tool_calls: int(r.max_tool_calls),
    store: r.store !== false,
    background: false,
    service_tier: str(r.service_tier) ?? "default",
    metadata: r.metadata && typeof r.metadata === "object" ? (r.metadata as Record<string, string>) : null,
    safety_identifier: str(r.safety_identifier),
    prompt_cache_key: str(r.prompt_cache_key),
  };
}

export interface ResponseState {
  id: string;
  createdAt: number;
  completedAt: number | null;
  status: ResponseStatus;
  model: string;
  output: OutputItem[];
  error: ResponsesErrorBody | null;
  usage: ResponsesUsage | null;
  incompleteReason: string | null;
}

type StateFields = Omit<ResponseObject, keyof ResponseEcho>;

/** The fields that change while a response runs. */
function stateFields(s: ResponseState): StateFields {
  return {
    id: s.id,
    object: "response",
    created_at: s.createdAt,
    completed_at: s.completedAt,
    status: s.status,
    incomplete_details: s.status === "incomplete" ? { reason: s.incompleteReason ?? "max_output_tokens" } : null,
    model: s.model,
    output: s.output,
    error: s.status === "failed" ? s.error : null,
    usage: s.usage,
  };
}

/** A complete `ResponseResource`: the state of the response plus the request echo. */
export function buildResponseResource(s: ResponseState, echo: ResponseEcho): ResponseObject {
  return { ...stateFields(s), ...echo };
}

/** The echo as a JSON fragment (no braces), serialized once per request and spliced into every snapshot. */
export function echoJsonFragment(echo: ResponseEcho): string {
  return JSON.stringify(echo).slice(1, -1);
}

/**
 * The same resource as buildResponseResource, as JSON, without serializing the echo again (a
 * Codex request's tools are ~20 KB: this keeps them to one JSON.stringify per request).
 */
export function responseResourceJson(s: ResponseState, echoFragment: string): string {
  const head = JSON.stringify(stateFields(s));
  return `${head.slice(0, -1)},${echoFragment}}`;
}
