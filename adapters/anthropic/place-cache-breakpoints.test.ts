import { describe, expect, it } from "vitest";
import { placeCacheBreakpoints, promptCachingEnabled } from "./place-cache-breakpoints.ts";
import type { AnthropicRequest } from "./anthropic-types.ts";

const base = (): AnthropicRequest => ({
  model: "m",
  max_tokens: 10,
  stream: true,
  tools: [
    { name: "a", description: "", input_schema: { type: "object" } },
    { name: "b", description: "", input_schema: { type: "object" } },
  ],
  system: [{ type: "text", text: "sys1" }, { type: "text", text: "sys2" }],
  messages: [
    { role: "user", content: [{ type: "text", text: "q1" }] },
    { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "tool_use", id: "t1", name: "a", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "r" }] },
    { role: "assistant", content: [{ type: "text", text: "done" }] },
    { role: "user", content: [{ type: "text", text: "q2" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] },
  ],
});

describe("placeCacheBreakpoints", () => {
  it("marks the last tool, the last system block, the previous and the final user turn (four at most)", () => {
    const body = base();
    const placed = placeCacheBreakpoints(body);
    expect(placed).toEqual({ tools: true, system: true, messages: [2, 4] });
    expect(body.tools![1].cache_control).toEqual({ type: "ephemeral" });
    expect(body.tools![0].cache_control).toBeUndefined();
    expect(body.system![1].cache_control).toEqual({ type: "ephemeral" });
    expect((body.messages[2].content[0] as any).cache_control).toEqual({ type: "ephemeral" });
    expect((body.messages[4].content[1] as any).cache_control).toEqual({ type: "ephemeral" });
    expect(JSON.stringify(body).match(/cache_control/g)!.length).toBe(4);
  });

  it("never marks thinking blocks and works without tools or system", () => {
    const body: AnthropicRequest = { model: "m", max_tokens: 1, stream: true, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] };
    expect(placeCacheBreakpoints(body)).toEqual({ tools: false, system: false, messages: [0] });
  });

  it("is on by default only for api.anthropic.com", () => {
    expect(promptCachingEnabled(undefined, "https://api.anthropic.com")).toBe(true);
    expect(promptCachingEnabled(undefined, "https://api.anthropic.com/v1")).toBe(true);
    expect(promptCachingEnabled(undefined, "https://api.deepseek.com/anthropic")).toBe(false);
    expect(promptCachingEnabled(true, "http://127.0.0.1:1")).toBe(true);
    expect(promptCachingEnabled(false, "https://api.anthropic.com")).toBe(false);
  });
});
