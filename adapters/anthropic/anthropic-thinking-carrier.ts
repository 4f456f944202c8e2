import type { AnthropicSignedBlock } from "./anthropic-types.ts";

/**
 * Anthropic thinking rides through Codex inside the reasoning item's `encrypted_content`, which
 * Codex replays verbatim (codex-protocol §4.2). The carrier holds every `thinking` /
 * `redacted_thinking` block of the item in original order, with the exact thinking text,
 * signature and redacted data, tagged with the upstream model: a signature is only valid for
 * the model that produced it, so blocks are only ever sent back to that model.
 */
const PREFIX = "codex-shim:anthropic-thinking:v1:";

export function encodeAnthropicThinking(model: string, blocks: readonly AnthropicSignedBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify({ m: model, b: blocks }), "utf8").toString("base64url");
}

export function isAnthropicThinkingCarrier(enc: unknown): boolean {
  return typeof enc === "string" && enc.startsWith(PREFIX);
}

/** The carried blocks, or null for anything that is not an intact carrier. */
export function decodeAnthropicThinking(enc: unknown): { model: string; blocks: AnthropicSignedBlock[] } | null {
  if (typeof enc !== "string" || !enc.startsWith(PREFIX)) return null;
  let v: { m?: unknown; b?: unknown };
  try {
    v = JSON.parse(Buffer.from(enc.slice(PREFIX.length), "base64url").toString("utf8")) as { m?: unknown; b?: unknown };
  } catch {
    return null;
  }
  if (typeof v?.m !== "string" || !Array.isArray(v.b)) return null;
  const blocks: AnthropicSignedBlock[] = [];
  for (const raw of v.b as Record<string, unknown>[]) {
    if (raw?.type === "thinking" && typeof raw.thinking === "string" && typeof raw.signature === "string") {
      blocks.push({ type: "thinking", thinking: raw.thinking, signature: raw.signature });
    } else if (raw?.type === "redacted_thinking" && typeof raw.data === "string") {
      blocks.push({ type: "redacted_thinking", data: raw.data });
    } else {
      return null;
    }
  }
  return { model: v.m, blocks };
}
