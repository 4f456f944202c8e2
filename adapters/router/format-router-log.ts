import type { RouteDecision } from "./route-decision.ts";
import type { SpillSignal } from "./spill-signal.ts";

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * One line per decision: `[router] req_… codex-auto -> mid (classifier: score>=0.70, cheapest)
 * scores={"cheap":0.55,…} classifier=412ms tokens=380/41 key=turn`. Ids and slugs only: never
 * prompt text, never keys.
 */
export function formatDecisionLine(requestId: string, d: RouteDecision, note?: string): string {
  const parts = [`[router] ${requestId} ${d.requested} -> ${d.slug} (${d.source}: ${d.reason})`];
  if (d.scores) parts.push(`scores=${JSON.stringify(Object.fromEntries(Object.entries(d.scores).map(([k, v]) => [k, round(v)])))}`);
  if (d.classifierMs !== undefined) parts.push(`classifier=${d.classifierMs}ms`);
  if (d.classifierTokens) parts.push(`tokens=${d.classifierTokens.input}/${d.classifierTokens.output}`);
  parts.push(`key=${d.key.split(":")[0]}`);
  if (note) parts.push(note);
  return parts.join(" ");
}

export function formatSpillLine(d: RouteDecision, failed: string, next: string, s: SpillSignal): string {
  const skip = s.cooldownMs > 0 ? ` (skipped for ${Math.ceil(s.cooldownMs / 1000)}s)` : "";
  return `[router] ${d.requestId} ${d.requested}: ${failed} ${s.kind.replaceAll("_", " ")}${skip} -> spilling to ${next}`;
}
