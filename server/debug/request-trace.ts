/**
 * What the flow inspector knows about one request: the wire shape of `/debug/requests`,
 * `/debug/events` and exports. Never prompt text, headers with credentials or keys; prompt text
 * lives only in an opt-in capture (server/debug/capture-store.ts).
 */

/** Which client-facing endpoint the request came in on. */
export type TraceEndpoint = "responses" | "messages" | "compact" | "websocket" | "other";

/** in_flight until the machine is final; `rejected` = refused before the machine ran. */
export type TraceOutcome = "in_flight" | "completed" | "incomplete" | "failed" | "aborted" | "rejected";

/** Where a request was refused before the request machine ran. */
export type RejectionStage = "guard" | "body" | "validation";

export interface TraceClient {
  /** Product token of the user agent (`codex_exec`, `OpenAI/JS`, `claude-cli`). */
  name?: string;
  version?: string;
  /** Codex's `originator` header. */
  originator?: string;
  /** The user agent, shortened. */
  userAgent?: string;
}

export interface TraceCodexIds {
  threadId?: string;
  turnId?: string;
  /** `turn`, `compaction`, `prewarm` (x-codex-turn-metadata.request_kind). */
  requestKind?: string;
  windowId?: string;
}

/** One machine step: the event the actor processed and the transitions it took. */
export interface TraceStep {
  /** ms since the request was received. */
  at: number;
  event: string;
  /** A short, secret-free summary of the event's payload. */
  payload?: string;
  /** Ids of the transitions taken (server/debug/machine-export.ts `transitionId`), microsteps included. */
  transitions: string[];
  /** The state the event led to (transient states collapsed). */
  state: string;
}

/** One upstream call (a rejected optional parameter is retried: several attempts). */
export interface TraceAttempt {
  url: string;
  /** ms since received. */
  sentAt: number;
  headersAt?: number;
  status?: number;
  /** The upstream's Retry-After header, as it sent it. */
  retryAfter?: string;
  /** Network error before any status. */
  networkError?: string;
}

/** Milestones, ms since received. */
export interface TraceTimings {
  /** Body read and validated; the actor starts. */
  started?: number;
  classified?: number;
  sent?: number;
  headers?: number;
  firstToken?: number;
  /** The pump finished: the last byte towards the client is written. */
  streamEnd?: number;
  done?: number;
  /** Time the shim itself spent: before the upstream call plus after its stream ended. */
  overheadMs?: number;
}

export interface TraceUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

export interface TraceToolCall {
  type: string;
  name: string;
  callId?: string;
}

export interface TraceError {
  code: string;
  message: string;
  type?: string;
  /** Seconds, as sent to the client in Retry-After. */
  retryAfter?: number;
  /** before_stream: an HTTP error answer; in_stream: a `response.failed` / error event. */
  where: "before_stream" | "in_stream";
}

export interface RequestTrace {
  id: string;
  /** Bumped on every change, so the page can skip stale pushes. */
  rev: number;
  endpoint: TraceEndpoint;
  method: string;
  path: string;
  /** Epoch ms. */
  startedAt: number;
  stream?: boolean;
  client: TraceClient;
  codex: TraceCodexIds;
  /** The `resp_…` id the client saw. */
  responseId?: string;
  /** The slug the client asked for. */
  requestedModel: string;
  /** The slug the request ran on (the auto-router may change it). */
  model: string;
  routerReason?: string;
  route?: string;
  upstreamUrl?: string;
  upstreamModel?: string;
  upstreamStatus?: number;
  attempts: TraceAttempt[];
  /** Parameter retries and other route notes. */
  notes: string[];
  /** The HTTP status the client got. */
  httpStatus?: number;
  error?: TraceError;
  rejection?: { stage: RejectionStage; detail?: string };
  timings: TraceTimings;
  usage?: TraceUsage;
  tools: TraceToolCall[];
  /** Tool calls handed to the client (also those whose names a relay writer does not expose). */
  toolCallCount: number;
  steps: TraceStep[];
  /** The machine's current (or final) state. */
  state: string;
  /** The final machine state (done/failed/aborted); absent while in flight and for rejections. */
  final?: string;
  outcome: TraceOutcome;
  /** A translation capture is held for this request (GET /debug/requests/<id> has it). */
  captured: boolean;
}

export function newTrace(init: Pick<RequestTrace, "id" | "endpoint" | "method" | "path" | "requestedModel" | "client" | "codex"> & { startedAt?: number }): RequestTrace {
  return {
    rev: 0,
    startedAt: init.startedAt ?? Date.now(),
    model: init.requestedModel,
    attempts: [],
    notes: [],
    timings: {},
    tools: [],
    toolCallCount: 0,
    steps: [],
    state: "",
    outcome: "in_flight",
    captured: false,
    ...init,
  };
}
