import type { RequestContext } from "../machines/request.machine.ts";

/**
 * One log line per request: model, route, statuses, timings, usage, tool calls, outcome.
 * Never prompt text, headers or keys.
 */
export function summarizeRequest(id: string, c: RequestContext, final: string): string {
  const t = c.timings;
  const ms = (x: number | undefined) => (x === undefined ? "-" : `${Math.round(x - t.start)}ms`);
  const u = c.writer?.usage;
  const parts = [
    `[req] ${id}`,
    `model=${c.routing ? `${c.routing.requested}->${c.slug}` : c.slug || "-"}`,
    `route=${c.selection?.route.kind ?? "-"}`,
    `upstream=${c.upstreamStatus ?? "-"}`,
    `ttfb=${ms(t.headers)}`,
    `ttft=${ms(t.firstOutput)}`,
    `dur=${ms(t.end)}`,
    `tokens=${u ? `${u.input_tokens}/${u.output_tokens}` : "-"}`,
    `tools=${c.writer?.toolCallCount ?? 0}`,
    `outcome=${final === "done" ? (c.writer?.status ?? "done") : final}${c.error ? `(${c.error.code})` : c.writer?.error ? `(${c.writer.error.code})` : ""}`,
  ];
  if (c.routing) parts.push(`router="${c.routing.source}: ${c.routing.reason}${c.routing.spills.length ? `; spilled ${c.routing.spills.join(", ")}` : ""}"`);
  const notes = c.selection?.ctx.notes;
  if (notes?.length) parts.push(`notes="${[...new Set(notes)].join("; ")}"`);
  return parts.join(" ");
}
