import { describe, expect, it } from "vitest";
import { claudeVersionOf, defaultMaxTokens, planThinking, thinkingStyleOf } from "./anthropic-model-capabilities.ts";

describe("anthropic model capabilities", () => {
  it.each([
    ["claude-sonnet-4-5-20250929", 4, 5],
    ["claude-sonnet-4-20250514", 4, 0],
    ["claude-opus-4.6", 4, 6],
    ["claude-sonnet-5", 5, 0],
    ["claude-3-7-sonnet-latest", 3, 7],
    ["claude-3-haiku-20240307", 3, 0],
    ["us.anthropic.claude-haiku-4-5-20251001-v1:0", 4, 5],
    ["anthropic/claude-opus-4-1", 4, 1],
  ])("reads the version of %s", (name, major, minor) => {
    expect(claudeVersionOf(name)).toEqual({ major, minor });
  });

  it("knows which thinking form a model takes", () => {
    expect(thinkingStyleOf("claude-opus-4-7")).toBe("adaptive");
    expect(thinkingStyleOf("claude-sonnet-5")).toBe("adaptive");
    expect(thinkingStyleOf("claude-sonnet-4-5")).toBe("budget");
    expect(thinkingStyleOf("claude-3-7-sonnet-20250219")).toBe("budget");
    expect(thinkingStyleOf("claude-3-5-sonnet-20241022")).toBe("none");
    expect(thinkingStyleOf("deepseek-chat")).toBe("budget");
    expect(claudeVersionOf("kimi-k2")).toBeNull();
  });

  it("picks max_tokens defaults and keeps the budget below max_tokens with room for the answer", () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307")).toBe(4096);
    expect(defaultMaxTokens("claude-sonnet-4-5")).toBe(32000);
    expect(defaultMaxTokens("glm-4.6")).toBe(8192);
    expect(planThinking("claude-sonnet-4-5", "medium", 32000)).toEqual({ thinking: { type: "enabled", budget_tokens: 8192 } });
    expect(planThinking("claude-sonnet-4-5", "xhigh", 32000)).toEqual({ thinking: { type: "enabled", budget_tokens: 24000 } });
    expect(planThinking("glm-4.6", "high", 8192)).toEqual({ thinking: { type: "enabled", budget_tokens: 6144 } });
    expect(planThinking("claude-sonnet-4-5", "high", 1500)).toBeNull();
    expect(planThinking("claude-opus-4-7", "xhigh", 32000)).toEqual({ thinking: { type: "adaptive" }, output_config: { effort: "max" } });
    expect(planThinking("claude-sonnet-4-5", undefined, 32000)).toBeNull();
  });
});
