import type { AnyActorRef, InspectionEvent } from "xstate";
import { requestMachine, type RequestContext } from "../../machines/request.machine.ts";
import type { Transport } from "../../adapters/transport/upstream-transport.ts";
import type { ByteSink } from "../../adapters/stream/sse-body-sink.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import type { RequestTrace, TraceToolCall } from "./request-trace.ts";
import type { RequestTraceStore } from "../request-trace-store.ts";
import type { CaptureRecorder } from "./capture-store.ts";
import { indexTransitions } from "./machine-export.ts";
import { clip, redactSecrets, redactUrl } from "./redact-for-inspector.ts";

const TRANSITION_IDS = indexTransitions(requestMachine);

/** A secret-free one-line summary of a machine event's payload. */
function summarizeEventPayload(event: Record<string, unknown>, secrets: readonly string[] = []): string | undefined {
  let text: string | undefined;
  if ("error" in event) {
    // only error text can carry a secret (an upstream's echo); outputs are slugs and outcomes
    const e = event.error;
    text = e instanceof ShimError ? `${e.status} ${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    return clip(redactSecrets(text, secrets), 300);
  } else if ("output" in event) {
    const o = event.output as unknown;
    if (o === undefined || o === null) text = undefined;
    else if (typeof o !== "object") text = String(o);
    else if ((o as { response?: { status?: unknown } }).response?.status !== undefined) text = `upstream answered HTTP ${(o as { response: { status: number } }).response.status}`;
    else if (typeof (o as { slug?: unknown }).slug === "string") {
      // the classifier's answer: the slug, and the router's reason when it decided
      const d = (o as { slug: string; decision?: { reason?: unknown } | null }).decision;
      text = (o as { slug: string }).slug + (typeof d?.reason === "string" ? ` (${d.reason})` : "");
    }
    else text = `{ ${Object.keys(o).join(", ")} }`;
  } else if (event.type === "CLIENT_ABORT") {
    text = "the client disconnected";
  }
  return text === undefined ? undefined : clip(text, 300);
}

const TOOL_ITEM = /_call$/;

function toolCallsOf(c: RequestContext, response: { output?: unknown } | null): TraceToolCall[] {
  const w = c.writer as (RequestContext["writer"] & { messageObject?: () => unknown }) | null;
  if (!w || !response) return [];
  const out: TraceToolCall[] = [];
  try {
    for (const item of (response.output ?? []) as Record<string, unknown>[]) {
      const type = String(item.type);
      if (!TOOL_ITEM.test(type)) continue;
      const name = typeof item.name === "string" ? item.name : typeof (item.action as { type?: unknown })?.type === "string" ? `${type}:${(item.action as { type: string }).type}` : type;
      out.push({ type, name: clip(name, 200), callId: typeof item.call_id === "string" ? item.call_id : undefined });
    }
    if (!out.length && w.toolCallCount && w.messageObject) {
      const m = w.messageObject() as { content?: { type?: string; name?: string; id?: string }[] } | null;
      for (const b of m?.content ?? []) if (b.type === "tool_use") out.push({ type: "tool_use", name: clip(String(b.name), 200), callId: b.id });
    }
  } catch {
    // a writer without a usable response object: leave the list empty, toolCallCount still shows
  }
  return out;
}

/**
 * Records one request actor into its trace: every root event with its payload summary, the
 * transitions taken (microsteps included, so eventless hops and guards are exact) and the
 * state reached; the facts the page shows (route, upstream, timings, usage, tools, error) are
 * read from the actor's context at each snapshot, never per chunk.
 */
export class TraceRecorder {
  private actor: AnyActorRef | null = null;
  private secrets: string[] = [];
  private notesSeen = 0;
  private readonly initTransitions: string[] = [];

  readonly trace: RequestTrace;
  readonly capture: CaptureRecorder | null;
  private readonly store: RequestTraceStore;
  /** performance.now() when the HTTP request arrived. */
  private readonly t0: number;

  constructor(trace: RequestTrace, store: RequestTraceStore, t0: number, capture: CaptureRecorder | null) {
    this.trace = trace;
    this.store = store;
    this.t0 = t0;
    this.capture = capture;
  }

  ms(perf: number | undefined): number | undefined {
    return perf === undefined ? undefined : Math.round((perf - this.t0) * 100) / 100;
  }

  now(): number {
    return this.ms(performance.now())!;
  }

  /** `startedAt`: when the actor was about to be created (its initial state, selection included, is computed in the constructor). */
  attach(actor: AnyActorRef, startedAt: number = this.now()): void {
    this.actor = actor;
    this.trace.timings.started = startedAt;
  }

  readonly inspect = (ev: InspectionEvent): void => {
    if (ev.actorRef !== this.actor) {
      // The initial state is computed while the actor is constructed (before `attach`): its
      // eventless hops (nothing to classify → selecting → connecting) belong to the init step.
      if (this.actor === null && ev.type === "@xstate.microstep" && !(ev.actorRef as { _parent?: unknown })._parent) this.collectTransitions(ev, this.initTransitions);
      return;
    }
    const t = this.trace;
    if (ev.type === "@xstate.event") {
      const init = t.steps.length === 0 ? this.initTransitions : [];
      t.steps.push({ at: this.now(), event: ev.event.type, payload: summarizeEventPayload(ev.event as Record<string, unknown>, this.secrets), transitions: init, state: "" });
    } else if (ev.type === "@xstate.microstep") {
      const step = t.steps[t.steps.length - 1];
      if (step) this.collectTransitions(ev, step.transitions);
    } else if (ev.type === "@xstate.snapshot") {
      const snap = ev.snapshot as { value?: unknown; context?: RequestContext };
      const step = t.steps[t.steps.length - 1];
      t.state = String(snap.value);
      if (step) step.state = t.state;
      if (snap.context) this.refresh(snap.context);
      this.store.changed(t);
    }
  };

  private collectTransitions(ev: InspectionEvent, into: string[]): void {
    for (const tr of (ev as { _transitions?: object[] })._transitions ?? []) {
      const id = TRANSITION_IDS.get(tr);
      if (id) into.push(id);
    }
  }

  /** Facts from the context so far (a handful of reads per macrostep). */
  private refresh(c: RequestContext): void {
    const t = this.trace;
    t.model = c.slug || t.requestedModel;
    const r = c.routing;
    if (r) {
      t.model = r.slug;
      t.routerReason = r.why();
    }
    const sel = c.selection;
    if (sel) {
      if (sel.ctx.apiKey && !this.secrets.includes(sel.ctx.apiKey)) {
        this.secrets.push(sel.ctx.apiKey);
        this.capture?.addSecret(sel.ctx.apiKey);
      }
      t.route = sel.route.kind;
      t.upstreamModel = sel.model.model;
      if (sel.ctx.notes.length !== this.notesSeen) {
        this.notesSeen = sel.ctx.notes.length;
        t.notes = [...new Set(sel.ctx.notes)];
      }
    }
    // the last attempt's URL (after a router spill, the model that answered)
    if (t.attempts.length) t.upstreamUrl = t.attempts[t.attempts.length - 1].url;
    else if (!t.upstreamUrl && c.prepared) t.upstreamUrl = redactUrl(c.prepared.request.url, this.secrets);
    if (c.upstreamStatus !== null && c.upstream) t.upstreamStatus = c.upstreamStatus;
    const tm = c.timings;
    const tt = t.timings;
    tt.sent = this.ms(tm.sent);
    tt.headers = this.ms(tm.headers);
    tt.firstToken = this.ms(tm.firstOutput);
    tt.done = this.ms(tm.end);
    // every event is followed by its snapshot, so the newest step is the only one not seen yet
    const s = t.steps[t.steps.length - 1];
    if (s) {
      if (tt.classified === undefined && /^xstate\.(done|error)\.actor\.classify$/.test(s.event)) tt.classified = s.at;
      if (tt.streamEnd === undefined && /^xstate\.(done|error)\.actor\.pump$/.test(s.event)) tt.streamEnd = s.at;
    }
  }

  /** The machine is final: outcome, error, usage, tools. */
  finish(value: string, c: RequestContext): void {
    const t = this.trace;
    this.refresh(c);
    t.final = value;
    const w = c.writer;
    t.outcome = value === "aborted" ? "aborted" : value === "failed" ? "failed" : w?.status === "incomplete" ? "incomplete" : w?.status === "failed" ? "failed" : "completed";
    if (c.error) {
      t.error = { code: c.error.code, message: clip(redactSecrets(c.error.message, this.secrets), 2000), type: c.error.type, retryAfter: c.error.retryAfter, where: "before_stream" };
      if (t.upstreamStatus === undefined) {
        const last = t.attempts[t.attempts.length - 1];
        if (last?.status !== undefined) t.upstreamStatus = last.status;
      }
    } else if (w?.error && w.status === "failed") {
      t.error = { code: w.error.code, message: clip(redactSecrets(w.error.message, this.secrets), 2000), where: "in_stream" };
    }
    if (w) {
      const u = w.usage;
      if (u) t.usage = { input: u.input_tokens, cached: u.input_tokens_details?.cached_tokens ?? 0, output: u.output_tokens, reasoning: u.output_tokens_details?.reasoning_tokens ?? 0, total: u.total_tokens };
      let response: ReturnType<typeof w.responseObject> | null = null;
      try {
        response = w.responseObject();
      } catch {
        // a writer without a usable response object: no id, no tool names
      }
      if (response?.id) t.responseId = response.id;
      t.tools = toolCallsOf(c, response);
      t.toolCallCount = Math.max(w.toolCallCount, t.tools.length);
      if (this.capture && t.stream === false && response) this.capture.downstreamBody(response);
    }
    const tt = t.timings;
    if (tt.sent !== undefined) tt.overheadMs = Math.round((tt.sent + (tt.done !== undefined && tt.streamEnd !== undefined ? tt.done - tt.streamEnd : 0)) * 100) / 100;
    this.store.changed(t);
  }

  /** The transport for this request: records each upstream attempt (and, capturing, its bytes). */
  transport(base: Transport): Transport {
    return {
      send: async (req, signal) => {
        const attempt: RequestTrace["attempts"][number] = { url: redactUrl(req.url, this.secrets), sentAt: this.now() };
        this.trace.attempts.push(attempt);
        const ex = this.capture?.upstreamRequest(req);
        let res: Response;
        try {
          res = await base.send(req, signal);
        } catch (e) {
          attempt.networkError = clip(redactSecrets((e as Error)?.message ?? String(e), this.secrets), 300);
          throw e;
        }
        attempt.status = res.status;
        attempt.headersAt = this.now();
        const ra = res.headers.get("retry-after");
        if (ra) attempt.retryAfter = clip(ra, 40);
        return ex && this.capture ? this.capture.upstreamResponse(ex, res, () => this.now()) : res;
      },
      close: () => base.close(),
    };
  }

  /** Capturing only: the client-bound sink, recording what Codex receives. */
  sink(base: ByteSink): ByteSink {
    const capture = this.capture;
    if (!capture) return base;
    return {
      get closed() {
        return base.closed;
      },
      write: (chunk) => {
        if (!base.closed) capture.downstream(chunk, this.now());
        return base.write(chunk);
      },
      close: () => base.close(),
    };
  }
}
