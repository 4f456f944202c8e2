import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import { BufferedOutputWriter, sniffEventType } from "../stream/buffered-output-writer.ts";
import type { ResponseObject, ResponseStatus, ResponsesErrorBody, ResponsesUsage } from "../responses/responses-types.ts";
import { buildResponseEcho, buildResponseResource, type ResponseEcho } from "../responses/build-response-resource.ts";

const TERMINAL: Record<string, ResponseStatus> = {
  "response.completed": "completed",
  "response.incomplete": "incomplete",
  "response.failed": "failed",
};
const SEQ = /"sequence_number"\s*:\s*(\d+)/;
/** Events that carry a `response` object (the only place the model name appears). */
const WITH_RESPONSE = new Set(["response.created", "response.in_progress", "response.queued", ...Object.keys(TERMINAL)]);

/**
 * Relays a native Responses stream (ChatGPT passthrough) to Codex as it came: the upstream's own
 * `response.created`, sequence numbers and items are kept; only events that carry the response
 * object are parsed, to swap the model name back to the slug Codex asked for and to learn the
 * outcome. Everything else is forwarded byte for byte (`event:` lines included).
 */
export class ResponsesRelayWriter extends BufferedOutputWriter implements OutputWriter {
  private final: ResponseObject | null = null;
  private readonly responseId: string;
  /** The slug to show instead of the upstream model, or null to leave the model alone. */
  private readonly modelOverride: string | null;
  private readonly echo: ResponseEcho;
  private readonly createdAt = Math.floor(Date.now() / 1000);
  /** The last upstream sequence_number seen, so an event the shim adds continues the sequence. */
  private lastSeq = -1;
  /** The upstream's response (id, created_at) once `response.created` came through. */
  private started: ResponseObject | null = null;

  constructor(opts: { responseId: string; modelOverride: string | null; echo?: ResponseEcho }) {
    super();
    this.responseId = opts.responseId;
    this.modelOverride = opts.modelOverride;
    this.echo = opts.echo ?? buildResponseEcho(undefined);
  }

  // The upstream sends its own response.created / in_progress and its own keep-alives.
  start(): void {}
  keepAlive(): void {}

  relay(data: string, event: string | undefined): void {
    if (this.finished || data === "[DONE]") return;
    const type = event ?? sniffEventType(data);
    const seq = SEQ.exec(data.slice(0, 200));
    if (seq) this.lastSeq = Number(seq[1]);
    if (!type || !WITH_RESPONSE.has(type)) {
      if (!this.hasOutput && type !== undefined && /^response\.(output_item|output_text|reasoning|function_call|custom_tool_call|content_part)/.test(type)) this.hasOutput = true;
      this.buf += type ? `event: ${type}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
      return;
    }
    let ev: { response?: ResponseObject };
    try {
      ev = JSON.parse(data);
    } catch {
      this.buf += `event: ${type}\ndata: ${data}\n\n`;
      return;
    }
    const r = ev.response;
    if (r && this.modelOverride && typeof r.model === "string") r.model = this.modelOverride;
    if (r && !this.started && typeof r.id === "string") this.started = r;
    this.buf += `event: ${type}\ndata: ${this.modelOverride && r ? JSON.stringify(ev) : data}\n\n`;
    const terminal = TERMINAL[type];
    if (terminal && r) this.settle(terminal, r);
  }

  /** A whole (non-streaming) response object. */
  relayObject(body: unknown): void {
    const r = body as ResponseObject;
    if (!r || typeof r !== "object" || typeof r.status !== "string") {
      this.fail("server_error", "The ChatGPT endpoint answered with a JSON body that is not a response object.");
      return;
    }
    if (this.modelOverride && typeof r.model === "string") r.model = this.modelOverride;
    this.settle(r.status === "in_progress" ? "completed" : r.status, r);
  }

  private settle(status: ResponseStatus, r: ResponseObject): void {
    this.final = r;
    this.status = status;
    this.usage = (r.usage as ResponsesUsage | null | undefined) ?? null;
    this.error = (r.error as ResponsesErrorBody | null | undefined) ?? null;
    const output = Array.isArray(r.output) ? r.output : [];
    this.toolCallCount = output.filter((i) => /_call$/.test(String((i as { type?: unknown }).type))).length;
    if (output.length) this.hasOutput = true;
  }

  fail(code: string, message: string): void {
    if (this.finished) return;
    this.status = "failed";
    this.error = { code, message };
    const response = this.responseObject();
    // The upstream's sequence numbers are relayed as they came; the shim's own terminal event continues after the last one.
    this.buf += `event: response.failed\ndata: ${JSON.stringify({ type: "response.failed", sequence_number: this.lastSeq + 1, response })}\n\n`;
  }

  responseObject(): ResponseObject {
    if (this.final) return this.final;
    // The shim's own object (a failure it reports): complete from the request echo, with what the upstream already said about the response.
    const s = this.started;
    const own = buildResponseResource(
      { id: s?.id ?? this.responseId, createdAt: s?.created_at ?? this.createdAt, completedAt: null, status: this.status, model: this.modelOverride ?? s?.model ?? "", output: [], error: this.error, usage: null, incompleteReason: null },
      this.echo,
    );
    return s ? { ...own, ...s, status: own.status, completed_at: null, error: own.error, incomplete_details: null, usage: null } : own;
  }
}

/** Feeds upstream SSE events (or a JSON body) into the relay writer. */
export function createRelayTranslator(writer: ResponsesRelayWriter): StreamTranslator {
  return {
    onEvent: (data, event) => writer.relay(data, event),
    onJsonBody: (body) => writer.relayObject(body),
    onEnd: () => {
      if (!writer.finished) writer.fail("server_error", "The ChatGPT stream closed before response.completed.");
    },
  };
}
