import type { RequestContext } from "../machines/request.machine.ts";

/** Notes that are the same on every request of a model (its tool set): logged once per process per model. */
const ONCE_PER_MODEL = /^(hosted tool|custom tool|server tool) /;
const saidOnce = new Set<string>();

/** Notes worth a line: per-request ones always, per-model ones the first time. */
function notesToLog(model: string, notes: string[]): string[] {
  const out: string[] = [];
  for (const n of new Set(notes)) {
    if (ONCE_PER_MODEL.test(n)) {
      const key = `${model}\0${n}`;
      if (saidOnce.has(key)) continue;
      if (saidOnce.size < 10_000) saidOnce.add(key);
    }
    out.push(n);
  }
  return out;
}

/**
 * One log line per request: model, route, the upstream's HTTP status (`none` when it never
 * answered) and the shim's own, timings, usage, tool calls, outcome.
 * Never prompt text, headers or keys.
 */
export function summarizeRequest(id: string, c: RequestContext, final: string, shimStatus?: number): string {
  const t = c.timings;
  const ms = (x: number | undefined) => (x === undefined ? "-" : `${Math.round(x - t.start)}ms`);
  const u = c.writer?.usage;
  const parts = [
    `[req] ${id}`,
    `model=${c.routing ? `${c.routing.requested}->${c.slug}` : c.slug || "-"}`,
    `route=${c.selection?.route.kind ?? "-"}`,
    `upstream=${c.upstreamStatus ?? (c.selection ? "none" : "-")}`,
    `status=${shimStatus ?? (final === "aborted" ? "-" : c.error ? c.error.status : 200)}`,
    `ttfb=${ms(t.headers)}`,
    `ttft=${ms(t.firstOutput)}`,
    `dur=${ms(t.end)}`,
    `tokens=${u ? `${u.input_tokens}/${u.output_tokens}` : "-"}`,
    `tools=${c.writer?.toolCallCount ?? 0}`,
    `outcome=${final === "done" ? (c.writer?.status ?? "done") : final}${c.error ? `(${c.error.code})` : c.writer?.error ? `(${c.writer.error.code})` : ""}`,
  ];
  if (c.routing) parts.push(`router="${c.routing.source}: ${c.routing.reason}${c.routing.spills.length ? `; spilled ${c.routing.spills.join(", ")}` : ""}"`);
  const notes = c.selection ? notesToLog(c.slug, c.selection.ctx.notes) : [];
  if (notes.length) parts.push(`notes="${notes.join("; ")}"`);
  return parts.join(" ");
}
