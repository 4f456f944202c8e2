/**
 * Chat-route reasoning (DeepSeek `reasoning_content` and the like) rides in the Responses
 * reasoning item's `encrypted_content`, which Codex replays verbatim (codex-protocol §4.2). It is
 * tagged with the upstream model so it is only ever sent back to the model that produced it.
 * Gemini's tool-call `thought_signature`s ride along, by call id (`s`).
 */
const PREFIX = "codex-shim:chat-reasoning:v1:";

export function encodeChatReasoning(model: string, text: string, signatures?: Record<string, string>): string {
  const v: { m: string; r: string; s?: Record<string, string> } = { m: model, r: text };
  if (signatures && Object.keys(signatures).length) v.s = signatures;
  return PREFIX + Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
}

export function decodeChatReasoning(enc: unknown): { model: string; text: string; signatures?: Record<string, string> } | null {
  if (typeof enc !== "string" || !enc.startsWith(PREFIX)) return null;
  try {
    const v = JSON.parse(Buffer.from(enc.slice(PREFIX.length), "base64url").toString("utf8")) as { m?: unknown; r?: unknown; s?: unknown };
    if (typeof v.m !== "string" || typeof v.r !== "string") return null;
    const out: { model: string; text: string; signatures?: Record<string, string> } = { model: v.m, text: v.r };
    if (v.s && typeof v.s === "object" && !Array.isArray(v.s)) {
      const sigs = Object.entries(v.s as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string");
      if (sigs.length) out.signatures = Object.fromEntries(sigs);
    }
    return out;
  } catch {
    return null;
  }
}
