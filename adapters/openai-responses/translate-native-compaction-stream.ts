import type { StreamTranslator } from "../routes/upstream-route.ts";
import type { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import type { ResponsesUsage } from "../responses/responses-types.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { usageFromResponses } from "../responses/normalize-usage.ts";

type Json = Record<string, unknown>;

/**
 * Remote compaction (v2) over a native Responses upstream: the upstream was asked for a summary
 * (the `compaction_trigger` became the compaction prompt); its answer text goes back to Codex as
 * the one `compaction` item Codex waits for, written by the shim's own Responses writer.
 */
export class NativeCompactionTranslator implements StreamTranslator {
  private readonly text: string[] = [];
  private finalText: string | null = null;
  private usage: ResponsesUsage | null = null;
  private failed: { code: string; message: string } | null = null;

  private readonly writer: ResponsesEventWriter;
  /** The slug the summary is tagged with. */
  private readonly slug: string;

  constructor(writer: ResponsesEventWriter, slug: string) {
    this.writer = writer;
    this.slug = slug;
  }

  onEvent(data: string): void {
    if (data === "[DONE]") return;
    let ev: Json;
    try {
      ev = JSON.parse(data);
    } catch {
      return;
    }
    if (ev.type === "response.output_text.delta" && typeof ev.delta === "string") this.text.push(ev.delta);
    else if (ev.type === "response.completed" || ev.type === "response.incomplete") this.takeResponse(ev.response as Json | undefined);
    else if (ev.type === "response.failed") {
      const err = ((ev.response as Json | undefined)?.error ?? {}) as { code?: unknown; message?: unknown };
      this.failed = { code: typeof err.code === "string" ? err.code : "server_error", message: typeof err.message === "string" ? err.message : "Compaction failed upstream." };
    } else if (ev.type === "error") {
      this.failed = { code: typeof ev.code === "string" ? ev.code : "server_error", message: typeof ev.message === "string" ? ev.message : "Compaction failed upstream." };
    }
  }

  onJsonBody(body: unknown): void {
    this.takeResponse(body as Json);
  }

  onEnd(): void {
    if (this.writer.finished) return;
    if (this.failed) return this.writer.fail(this.failed.code, this.failed.message);
    const summary = (this.finalText ?? this.text.join("")).trim();
    if (!summary) return this.writer.fail("server_error", "Compaction failed: the upstream returned an empty summary.");
    this.writer.emitCompaction(encodeCompactionSummary(summary, this.slug));
    this.writer.complete(this.usage);
  }

  private takeResponse(r: Json | undefined): void {
    if (!r) return;
    if (r.usage && typeof r.usage === "object") this.usage = usageFromResponses(r.usage);
    const parts: string[] = [];
    for (const item of Array.isArray(r.output) ? (r.output as Json[]) : []) {
      if (item.type !== "message" || !Array.isArray(item.content)) continue;
      for (const c of item.content as Json[]) if (c.type === "output_text" && typeof c.text === "string") parts.push(c.text);
    }
    if (parts.length) this.finalText = parts.join("");
  }
}
