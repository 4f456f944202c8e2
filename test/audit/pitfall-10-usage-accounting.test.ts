import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { readSharedFixture } from "../helpers/shared-fixtures.ts";
import { recordedAnthropicSse } from "../helpers/anthropic-sse.ts";

/**
 * Pitfall 10: usage and cached-token accounting. Cached and reasoning tokens are mapped on every
 * route, streaming and not; usage is always present with explicit zeros; include_usage is asked for.
 */
const req = { input: [H.userMsg("hi")] } as any;
const text = (kind: "chat" | "anthropic", usage: any) =>
  kind === "chat"
    ? H.chatSseBody([H.chatDelta({ content: "ok" }, "stop"), H.usageChunk(usage)])
    : H.anthropicSseBody([H.anthropicMessageStart({ input_tokens: 1, output_tokens: 1 }), ...H.anthropicTextBlock(0, "ok"), ...H.anthropicEnd("end_turn", usage)]);

describe("pitfall 10: usage (chat route)", () => {
  it("asks for stream_options.include_usage", () => {
    expect(H.prepare("chat", req).sent.stream_options).toEqual({ include_usage: true });
  });

  it.each([
    ["OpenAI details", { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 30 } }, 64, 30],
    ["DeepSeek prompt_cache_hit_tokens", { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140, prompt_cache_hit_tokens: 80, prompt_cache_miss_tokens: 20 }, 80, 0],
    ["Moonshot cached_tokens", { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140, cached_tokens: 50 }, 50, 0],
  ])("%s", async (_n, usage, cached, reasoning) => {
    const t = await H.translate("chat", req, text("chat", usage));
    expect(t.terminal.response.usage).toEqual({ input_tokens: 100, input_tokens_details: { cached_tokens: cached }, output_tokens: 40, output_tokens_details: { reasoning_tokens: reasoning }, total_tokens: 140 });
  });

  it("Groq's x_groq.usage and the non-streaming body's usage are read too", async () => {
    const g = await H.translate("chat", req, H.chatSseBody([H.chatDelta({ content: "ok" }, "stop", { x_groq: { usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } } })]));
    expect(g.terminal.response.usage).toMatchObject({ input_tokens: 7, output_tokens: 2, total_tokens: 9 });
    const j = await H.translate(
      "chat",
      req,
      JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, prompt_tokens_details: { cached_tokens: 4 } } }),
      { contentType: "application/json" },
    );
    expect(j.terminal.response.usage).toMatchObject({ input_tokens: 5, input_tokens_details: { cached_tokens: 4 }, total_tokens: 6 });
  });

  it("no usage from the upstream → explicit zeros (Codex needs integer input/output/total)", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatDelta({ content: "ok" }, "stop")]));
    expect(t.terminal.response.usage).toEqual({ input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 });
  });

  it("the incomplete (length) terminal carries usage as well", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatDelta({ content: "ok" }, "length"), H.usageChunk({ prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 })]));
    expect(t.terminal.type).toBe("response.incomplete");
    expect(t.terminal.response.usage.total_tokens).toBe(12);
  });
});

describe("pitfall 10: usage (Anthropic route)", () => {
  it("input = input + cache_read + cache_creation; cached = cache_read; cache writes visible", async () => {
    const t = await H.translate(
      "anthropic",
      req,
      H.anthropicSseBody([
        H.anthropicMessageStart({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 }),
        ...H.anthropicTextBlock(0, "ok"),
        ...H.anthropicEnd("end_turn", { output_tokens: 25 }),
      ]),
    );
    expect(t.terminal.response.usage).toEqual({ input_tokens: 1210, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 200 }, output_tokens: 25, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1235 });
  });

  it("recorded cache-read stream (anthropic issue 5942) reports its cached tokens", async () => {
    const body = recordedAnthropicSse(readSharedFixture("upstream-recorded/anthropic/anthropic-issue-5942-cache-read.chunks.txt"));
    const recorded = readSharedFixture("upstream-recorded/anthropic/anthropic-issue-5942-cache-read.chunks.txt")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const start = recorded.find((e) => e.type === "message_start").message.usage;
    const t = await H.translate("anthropic", req, body);
    expect(t.errors).toEqual([]);
    expect(t.terminal.response.usage.input_tokens_details.cached_tokens).toBe(start.cache_read_input_tokens);
    expect(t.terminal.response.usage.input_tokens).toBe(start.input_tokens + start.cache_read_input_tokens + (start.cache_creation_input_tokens ?? 0));
  });

  it("non-streaming Message usage is mapped the same way", async () => {
    const t = await H.translate(
      "anthropic",
      req,
      JSON.stringify({ id: "m", type: "message", role: "assistant", content: [{ type: "text", text: "ok" }], stop_reason: "end_turn", usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: 7 } }),
      { contentType: "application/json" },
    );
    expect(t.terminal.response.usage).toMatchObject({ input_tokens: 12, input_tokens_details: { cached_tokens: 7 }, output_tokens: 2, total_tokens: 14 });
  });
});
