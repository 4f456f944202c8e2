import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import { BufferedOutputWriter, sniffEventType } from "../stream/buffered-output-writer.ts";
import type { ResponseObject } from "../responses/responses-types.ts";
import { buildResponseEcho, buildResponseResource } from "../responses/build-response-resource.ts";
import { mapAnthropicUsage, mergeAnthropicUsage } from "../anthropic/map-anthropic-usage.ts";
import { anthropicErrorBody } from "./anthropic-error.ts";
import type { AnthropicUsage } from "../anthropic/anthropic-types.ts";

/**
 * Relays an Anthropic upstream's Messages stream to an Anthropic client as it came. Only
 * `message_start` (to show the requested slug as the model), `message_delta` (usage for the log)
 * and `error` are parsed; every other event is forwarded byte for byte.
 */
export class AnthropicRelayWriter extends BufferedOutputWriter implements OutputWriter {
  private message: Record<string, unknown> | null = null;
  /** `message_start`'s usage; `message_delta`'s cumulative numbers are merged over it. */
  private startUsage: AnthropicUsage | null = null;
  private readonly slug: string;

  constructor(opts: { slug: string }) {
    super();
    this.slug = opts.slug;
  }

  start(): void {}
  keepAlive(): void {}

  relay(data: string, event: string | undefined): void {
    if (this.finished) return;
    const type = event ?? sniffEventType(data) ?? "message";
    if (type === "message_start" || type === "message_delta" || type === "error") {
      let ev: Record<string, any>;
      try {
        ev = JSON.parse(data);
      } catch {
        this.buf += `event: ${type}\ndata: ${data}\n\n`;
        return;
      }
      if (type === "message_start" && ev.message && typeof ev.message === "object") {
        ev.message.model = this.slug;
        this.startUsage = mergeAnthropicUsage(this.startUsage, ev.message.usage);
        data = JSON.stringify(ev);
      } else if (type === "message_delta") {
        this.usage = mapAnthropicUsage(mergeAnthropicUsage(this.startUsage, ev.usage) ?? {});
      } else {
        this.status = "failed";
        this.error = { code: String(ev.error?.type ?? "api_error"), message: String(ev.error?.message ?? "") };
      }
    } else if (type === "content_block_start") {
      this.hasOutput = true;
      if (data.includes('"tool_use"')) this.toolCallCount++;
    } else if (type === "message_stop") {
      this.status = "completed";
    }
    this.buf += `event: ${type}\ndata: ${data}\n\n`;
  }

  /** A whole (non-streaming) message from the upstream. */
  relayObject(body: unknown): void {
    const m = body as Record<string, unknown> | null;
    if (!m || typeof m !== "object" || m.type !== "message") {
      this.fail("server_error", "The Anthropic upstream answered with a JSON body that is not a message.");
      return;
    }
    m.model = this.slug;
    this.message = m;
    this.usage = mapAnthropicUsage(mergeAnthropicUsage(null, m.usage as AnthropicUsage | undefined) ?? {});
    this.toolCallCount = Array.isArray(m.content) ? m.content.filter((b) => (b as { type?: unknown }).type === "tool_use").length : 0;
    this.status = "completed";
  }

  fail(code: string, message: string): void {
    if (this.finished) return;
    this.status = "failed";
    this.error = { code, message };
    this.buf += `event: error\ndata: ${JSON.stringify(anthropicErrorBody("api_error", message))}\n\n`;
  }

  messageObject(): unknown {
    return this.message;
  }

  /** For the request log and the tool-call cache (a Messages client never sees it). */
  responseObject(): ResponseObject {
    return buildResponseResource(
      { id: String(this.message?.id ?? ""), createdAt: Math.floor(Date.now() / 1000), completedAt: null, status: this.status, model: this.slug, output: [], error: this.error, usage: this.usage, incompleteReason: null },
      buildResponseEcho(undefined),
    );
  }
}

export function createAnthropicRelayTranslator(w: AnthropicRelayWriter): StreamTranslator {
  return {
    onEvent: (data, event) => w.relay(data, event),
    onJsonBody: (body) => w.relayObject(body),
    onEnd: () => {
      if (!w.finished) w.fail("server_error", "The Anthropic upstream's stream ended before message_stop.");
    },
  };
}
