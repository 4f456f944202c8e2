import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import { BufferedOutputWriter, sniffEventType } from "../stream/buffered-output-writer.ts";
import type { ResponseObject, ResponseStatus, ResponsesErrorBody, ResponsesUsage } from "../responses/responses-types.ts";

const TERMINAL: Record<string, ResponseStatus> = {
  "response.completed": "completed",
  "response.incomplete": "incomplete",
  "response.failed": "failed",
};
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

  constructor(opts: { responseId: string; modelOverride: string | null }) {
    super();
    this.responseId = opts.responseId;
    this.modelOverride = opts.modelOverride;
  }

  // The upstream sends its own response.created / in_progress and its own keep-alives.
  start(): void {}
  keepAlive(): void {}

  relay(data: string, event: string | undefined): void {
    if (this.finished || data === "[DONE]") return;
    const type = event ?? sniffEventType(data);
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
    this.buf += `event: response.failed\ndata: ${JSON.stringify({ type: "response.failed", response })}\n\n`;
  }

  responseObject(): ResponseObject {
    if (this.final) return this.final;
    return {
      id: this.responseId,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status: this.status,
      model: this.modelOverride ?? "",
      output: [],
      usage: null,
      error: this.status === "failed" ? this.error : null,
      incomplete_details: null,
    };
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
