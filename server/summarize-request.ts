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

/** A client-chosen word (the model name) as one log token: quoted and escaped unless plain, clipped. */
function logWord(v: string): string {
  const w = v.length > 200 ? `${v.slice(0, 200)}…` : v;
  return /^[\x21-\x7e]*$/.test(w) && !w.includes('"') ? w || "-" : JSON.stringify(w);
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
    `model=${c.routing ? `${logWord(c.routing.requested)}->${logWord(c.slug)}` : logWord(c.slug)}`,
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
  if (c.routing) parts.push(`router="${c.routing.why()}"`);
  const notes = c.selection ? notesToLog(c.slug, c.selection.ctx.notes) : [];
  if (notes.length) parts.push(`notes="${notes.join("; ")}"`);
  return parts.join(" ");
}

/** The line for a request refused before the request machine (guard 403/415, body 413/400, validation 400). */
export function summarizeRejection(id: string, r: { model: string; status: number; code: string; endpoint: string; durMs: number }): string {
  const endpoint = r.endpoint === "responses" ? "" : ` endpoint=${r.endpoint}`;
  return `[req] ${id} model=${logWord(r.model)} route=- upstream=- status=${r.status} ttfb=- ttft=- dur=${Math.round(r.durMs)}ms tokens=- tools=0 outcome=rejected(${r.code})${endpoint}`;
}
