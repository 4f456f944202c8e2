/**
 * Chat-route reasoning (DeepSeek `reasoning_content` and the like) rides in the Responses
 * reasoning item's `encrypted_content`, which Codex replays verbatim (codex-protocol §4.2). It is
 * tagged with the upstream model so it is only ever sent back to the model that produced it.
 */
const PREFIX = "codex-shim:chat-reasoning:v1:";

export function encodeChatReasoning(model: string, text: string): string {
  return PREFIX + Buffer.from(JSON.stringify({ m: model, r: text }), "utf8").toString("base64url");
}

export function decodeChatReasoning(enc: unknown): { model: string; text: string } | null {
  if (typeof enc !== "string" || !enc.startsWith(PREFIX)) return null;
  try {
    const v = JSON.parse(Buffer.from(enc.slice(PREFIX.length), "base64url").toString("utf8")) as { m?: unknown; r?: unknown };
    return typeof v.m === "string" && typeof v.r === "string" ? { model: v.m, text: v.r } : null;
  } catch {
    return null;
  }
}
