import { upstreamBodyText } from "../../adapters/transport/upstream-transport.ts";
import type { UpstreamRequest } from "../../adapters/transport/upstream-transport.ts";
import { redactHeaders, redactSecrets, redactUrl } from "./redact-for-inspector.ts";

/**
 * Opt-in translation captures for the flow inspector: what Codex sent, what went upstream, the
 * upstream's stream and what Codex received, for the last few requests. Off by default (it holds
 * prompt text); keys and credential headers are redacted as they are recorded. Bounded by count
 * and by size (characters, about bytes for the ASCII-heavy JSON).
 */

export interface CapturedChunk {
  /** ms since the request was received. */
  at: number;
  text: string;
}

export interface CapturedExchange {
  url: string;
  headers: Record<string, string>;
  body: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  /** The upstream body as it arrived, read by read (an error body too). */
  chunks: CapturedChunk[];
}

export interface Capture {
  id: string;
  size: number;
  truncated: boolean;
  codexRequest: { headers: Record<string, string>; body: string };
  upstream: CapturedExchange[];
  /** What Codex received: SSE bytes as written, or the JSON body of a non-streaming answer. */
  downstream: CapturedChunk[];
  downstreamBody?: string;
}

export interface CaptureLimits {
  maxRequests: number;
  maxBytes: number;
}

const DEFAULT_CAPTURE_LIMITS: CaptureLimits = { maxRequests: 20, maxBytes: 64 * 1024 * 1024 };

export class CaptureStore {
  private readonly captures = new Map<string, Capture>();
  private total = 0;
  private on = false;
  /** Set by the page toggle (wins until the settings change again). */
  private readonly listeners = new Set<(enabled: boolean) => void>();
  readonly limits: CaptureLimits;

  constructor(limits: Partial<CaptureLimits> = {}) {
    this.limits = { ...DEFAULT_CAPTURE_LIMITS, ...limits };
  }

  get enabled(): boolean {
    return this.on;
  }

  setEnabled(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    for (const fn of this.listeners) fn(on);
  }

  onToggle(fn: (enabled: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(id: string): Capture | undefined {
    return this.captures.get(id);
  }

  delete(id: string): void {
    const c = this.captures.get(id);
    if (!c) return;
    this.total -= c.size;
    this.captures.delete(id);
  }

  get count(): number {
    return this.captures.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** Starts a capture for a request, or null when capturing is off. */
  begin(id: string, codexHeaders: Headers, codexBody: unknown, secrets: readonly string[] = []): CaptureRecorder | null {
    if (!this.on) return null;
    const c: Capture = { id, size: 0, truncated: false, codexRequest: { headers: redactHeaders(codexHeaders), body: "" }, upstream: [], downstream: [] };
    this.captures.set(id, c);
    while (this.captures.size > this.limits.maxRequests) this.delete(this.captures.keys().next().value as string);
    const rec = new CaptureRecorder(this, c, secrets);
    rec.setCodexBody(codexBody);
    return rec;
  }

  /** Accounts for `n` more characters of `c`; false when they do not fit (the capture is then marked truncated). */
  reserve(c: Capture, n: number): boolean {
    const perCapture = this.limits.maxBytes / 4;
    if (!this.captures.has(c.id) || c.size + n > perCapture) {
      c.truncated = true;
      return false;
    }
    c.size += n;
    this.total += n;
    // Oldest first, never the capture being written.
    for (const id of this.captures.keys()) {
      if (this.total <= this.limits.maxBytes) break;
      if (id !== c.id) this.delete(id);
    }
    return true;
  }
}

function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? "";
}

/** Records one request's capture; every text goes through secret redaction first. */
export class CaptureRecorder {
  private readonly decoder = new TextDecoder();
  private readonly downDecoder = new TextDecoder();
  private readonly secrets: string[];
  private readonly store: CaptureStore;
  readonly capture: Capture;
  constructor(store: CaptureStore, capture: Capture, secrets: readonly string[]) {
    this.store = store;
    this.capture = capture;
    this.secrets = [...secrets];
  }

  private fit(text: string): string | null {
    const clean = redactSecrets(text, this.secrets);
    return this.store.reserve(this.capture, clean.length) ? clean : null;
  }

  setCodexBody(body: unknown): void {
    this.capture.codexRequest.body = this.fit(pretty(body)) ?? "(too large to capture)";
  }

  /** Adds a secret learnt later (the upstream key, known once a route is chosen). */
  addSecret(secret: string): void {
    if (secret) this.secrets.push(secret);
  }

  upstreamRequest(req: UpstreamRequest): CapturedExchange {
    const ex: CapturedExchange = { url: redactUrl(req.url, this.secrets), headers: redactHeaders(req.headers, this.secrets), body: this.fit(pretty(upstreamBodyText(req.body))) ?? "(too large to capture)", chunks: [] };
    this.capture.upstream.push(ex);
    return ex;
  }

  /** The upstream response, with a body that records what the pump reads. */
  upstreamResponse(ex: CapturedExchange, res: Response, now: () => number): Response {
    ex.status = res.status;
    ex.responseHeaders = redactHeaders(res.headers, this.secrets);
    if (!res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const { done, value } = await reader.read();
        if (done) {
          const rest = this.decoder.decode();
          if (rest) this.chunk(ex.chunks, rest, now());
          controller.close();
          return;
        }
        this.chunk(ex.chunks, this.decoder.decode(value, { stream: true }), now());
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    try {
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch {
      reader.releaseLock();
      return res;
    }
  }

  downstream(bytes: Uint8Array, at: number): void {
    this.chunk(this.capture.downstream, this.downDecoder.decode(bytes, { stream: true }), at);
  }

  downstreamBody(value: unknown): void {
    this.capture.downstreamBody = this.fit(pretty(value)) ?? "(too large to capture)";
  }

  private chunk(into: CapturedChunk[], text: string, at: number): void {
    if (!text || this.capture.truncated) return;
    const t = this.fit(text);
    if (t !== null) into.push({ at, text: t });
  }
}
