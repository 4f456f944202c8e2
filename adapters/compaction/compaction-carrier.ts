/**
 * The shim's own `compaction` item (from `POST /v1/responses/compact`): the summary text rides in
 * `encrypted_content`, which Codex replays verbatim. A summary is plain prose any model can read,
 * so unlike reasoning it is not tied to the model that wrote it. Shared by every route.
 */
const PREFIX = "codex-shim:compaction:v1:";

export function encodeCompactionSummary(summary: string, model: string): string {
  return PREFIX + Buffer.from(JSON.stringify({ s: summary, m: model }), "utf8").toString("base64url");
}

export function decodeCompactionSummary(enc: unknown): { summary: string; model: string } | null {
  if (typeof enc !== "string" || !enc.startsWith(PREFIX)) return null;
  try {
    const v = JSON.parse(Buffer.from(enc.slice(PREFIX.length), "base64url").toString("utf8")) as { s?: unknown; m?: unknown };
    return typeof v.s === "string" ? { summary: v.s, model: typeof v.m === "string" ? v.m : "" } : null;
  } catch {
    return null;
  }
}

/** How a replayed summary is put in front of the next model (mirrors Codex's own local compaction wording). */
export function summaryAsUserText(summary: string): string {
  return `Another language model started to solve this problem and produced a summary of its thinking process. Use the information in this summary to assist with your own analysis:\n${summary}`;
}
