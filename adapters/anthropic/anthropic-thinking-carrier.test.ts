import { describe, expect, it } from "vitest";
import { decodeAnthropicThinking, encodeAnthropicThinking, isAnthropicThinkingCarrier } from "./anthropic-thinking-carrier.ts";
import type { AnthropicSignedBlock } from "./anthropic-types.ts";

describe("anthropic thinking carrier", () => {
  it("round-trips blocks byte-exact and in order, with the model tag", () => {
    const blocks: AnthropicSignedBlock[] = [
      { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT" },
      { type: "thinking", thinking: "line1\nline2 \u2028 ✓ \"q\" \\ \ud83d\ude00", signature: "EsECCokBCBAYAipA9i3H+/=" },
    ];
    const enc = encodeAnthropicThinking("claude-sonnet-4-5", blocks);
    expect(isAnthropicThinkingCarrier(enc)).toBe(true);
    expect(enc).toMatch(/^codex-shim:anthropic-thinking:v1:[A-Za-z0-9_-]+$/);
    expect(decodeAnthropicThinking(enc)).toEqual({ model: "claude-sonnet-4-5", blocks });
  });

  it("rejects anything that is not an intact carrier", () => {
    expect(decodeAnthropicThinking(null)).toBeNull();
    expect(decodeAnthropicThinking("gAAAAA-openai-encrypted")).toBeNull();
    expect(decodeAnthropicThinking("codex-shim:anthropic-thinking:v1:!!!")).toBeNull();
    const bad = "codex-shim:anthropic-thinking:v1:" + Buffer.from(JSON.stringify({ m: "x", b: [{ type: "thinking", thinking: "t" }] })).toString("base64url");
    expect(decodeAnthropicThinking(bad)).toBeNull();
  });
});
