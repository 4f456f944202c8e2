import { createParser } from "eventsource-parser";
import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import type { ByteSink } from "./sse-body-sink.ts";
import { openBodyReader } from "./body-reader.ts";

export interface PumpOptions {
  body: ReadableStream<Uint8Array> | null;
  /** Upstream content-type: a JSON body (a provider ignoring `stream: true`) is read whole. */
  contentType: string;
  translator: StreamTranslator;
  writer: OutputWriter;
  sink: ByteSink;
  signal: AbortSignal;
  /** Emit a keep-alive event after this much silence towards Codex (0 = never). */
  keepAliveMs: number;
  /** Upper bound for a non-streaming upstream body. */
  maxJsonBytes?: number;
  onFirstOutput?: () => void;
}

export type PumpOutcome = "finished" | "aborted";

const encoder = new TextEncoder();
const MAX_SSE_LINE = 8 * 1024 * 1024;

/**
 * Upstream bytes → SSE events → translator → Responses SSE bytes, one pass per chunk: the
 * writer's output for a whole upstream chunk is encoded and written once.
 */
export async function pumpUpstreamToResponses(o: PumpOptions): Promise<PumpOutcome> {
  const { writer, sink, translator } = o;
  const decoder = new TextDecoder();
  let firstOutput = false;
  let lastWrite = Date.now();
  let writing: Promise<void> | undefined;
  const flush = (): Promise<void> | undefined => {
    const text = writer.take();
    if (!text || sink.closed) return;
    if (!firstOutput && writer.hasOutput) {
      firstOutput = true;
      o.onFirstOutput?.();
    }
    lastWrite = Date.now();
    return (sink.writeText ? sink.writeText(text) : sink.write(encoder.encode(text))) ?? undefined;
  };

  let keepAlive: NodeJS.Timeout | undefined;
  if (o.keepAliveMs > 0) {
    keepAlive = setInterval(() => {
      if (Date.now() - lastWrite < o.keepAliveMs || writer.finished) return;
      writer.keepAlive();
      writing = flush();
    }, Math.max(250, Math.floor(o.keepAliveMs / 2)));
    keepAlive.unref();
  }

  writer.start();
  await flush();

  const isJson = /\bjson\b/i.test(o.contentType) && !/event-stream/i.test(o.contentType);
  const reader = o.body ? openBodyReader(o.body) : null;
  try {
    if (!reader) {
      translator.onEnd();
      await flush();
      return "finished";
    }
    if (isJson) {
      let text = "";
      const limit = o.maxJsonBytes ?? 64 * 1024 * 1024;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (text.length > limit) throw new Error(`upstream JSON body larger than ${limit} bytes`);
      }
      text += decoder.decode();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        writer.fail("server_error", `The upstream answered with a body that is neither SSE nor JSON: ${text.slice(0, 200)}`);
        await flush();
        return "finished";
      }
      translator.onJsonBody(parsed);
      if (!writer.finished) translator.onEnd();
      await flush();
      return "finished";
    }

    let sawEvent = false;
    let overflow = false;
    let head = "";
    const parser = createParser({
      onEvent(ev) {
        sawEvent = true;
        translator.onEvent(ev.data, ev.event);
      },
      onError(err) {
        if (err.type === "max-buffer-size-exceeded") overflow = true;
      },
      maxBufferSize: MAX_SSE_LINE,
    });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (!sawEvent && head.length < 512) head += text;
      parser.feed(text);
      if (overflow) {
        writer.fail("server_error", `The upstream sent an SSE line longer than ${MAX_SSE_LINE / 1024 / 1024} MiB; the stream was abandoned.`);
        await flush();
        reader.cancel();
        return "finished";
      }
      if (writing) {
        await writing;
        writing = undefined;
      }
      // awaited only when the client is behind: no extra microtask per chunk otherwise
      const behind = flush();
      if (behind) await behind;
      if (writer.finished) {
        // The answer is complete: finish towards Codex now, and let the rest of the upstream body
        // ([DONE], EOF) drain in the background so its keep-alive connection can be reused.
        reader.drain();
        return "finished";
      }
    }
    parser.feed(decoder.decode());
    if (!sawEvent && /^\s*</.test(head)) {
      writer.fail("server_error", `The upstream answered HTTP 200 with an HTML page instead of an event stream: ${head.trim().slice(0, 120)}`);
    } else {
      translator.onEnd();
    }
    await flush();
    return "finished";
  } catch (err) {
    if (o.signal.aborted) return "aborted";
    const e = err as { message?: string; cause?: { code?: string }; code?: string };
    const code = e.cause?.code ?? e.code;
    const why = code === "UND_ERR_BODY_TIMEOUT" ? "the upstream went silent for longer than the idle timeout" : `the upstream stream broke (${e.message ?? String(err)})`;
    writer.fail("server_error", `Upstream stream interrupted: ${why}.`);
    await flush();
    return "finished";
  } finally {
    if (keepAlive) clearInterval(keepAlive);
    reader?.release();
  }
}
