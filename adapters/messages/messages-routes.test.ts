import { describe, expect, it } from "vitest";
import { messagesAnthropicRoute, messagesChatRoute, isMessagesWriter } from "./messages-routes.ts";
import { AnthropicSseWriter } from "./anthropic-sse-writer.ts";
import { AnthropicRelayWriter } from "./anthropic-relay-writer.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";

const model = (provider: ModelConfig["provider"]): ModelConfig => ({ slug: "m", model: "up", provider, baseUrl: "http://x/v1", displayName: "M", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS });
const ctx = (request: unknown, provider: ModelConfig["provider"], forwardHeaders?: Record<string, string>): RouteContext => ({ request: request as never, model: model(provider), apiKey: "k", requestedSlug: "m", notes: [], forwardHeaders });

describe("/v1/messages routes", () => {
  it("chat upstreams: Messages → chat request (tool results split into tool messages, image results as a follow-up, tool_choice and thinking mapped)", () => {
    const c = ctx(
      {
        model: "m",
        max_tokens: 100,
        thinking: { type: "enabled", budget_tokens: 8000 },
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        tools: [{ name: "f", input_schema: { type: "object" } }, { type: "web_search_20250305", name: "web_search" }],
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: { a: 1 } }] },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "see" }, { type: "image", source: { type: "url", url: "https://x/i.png" } }] },
              { type: "text", text: "next" },
            ],
          },
        ],
      },
      "openai",
    );
    const p = messagesChatRoute.prepare(c);
    const chat = JSON.parse(String(p.request.body));
    expect(p.request.url).toBe("http://x/v1/chat/completions");
    expect(chat.messages).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      { role: "tool", tool_call_id: "t1", content: "see" },
      { role: "user", content: [{ type: "text", text: "Images returned by the tool calls above:" }, { type: "image_url", image_url: { url: "https://x/i.png" } }, { type: "text", text: "next" }] },
    ]);
    expect(p.upstreamMessages).toEqual(chat.messages);
    expect(chat.tool_choice).toBe("required");
    expect(chat.parallel_tool_calls).toBe(false);
    expect(chat.reasoning_effort).toBe("medium");
    expect(chat.tools?.map((t: { function: { name: string } }) => t.function.name)).toEqual(["f"]);
    expect(c.notes[0]).toContain("web_search");
    expect(messagesChatRoute.paramWire).toBe("chat");
  });

  it("chat upstreams: createOutput pairs the chat decoder with an Anthropic SSE writer (msg_ id, requested slug)", () => {
    const { writer, translator } = messagesChatRoute.prepare(ctx({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, "openai")).createOutput({ responseId: "resp_abc", model: "m" });
    expect(writer).toBeInstanceOf(AnthropicSseWriter);
    writer.start();
    translator.onEvent(JSON.stringify({ choices: [{ delta: { content: "yo" }, finish_reason: "stop" }] }), undefined);
    translator.onEvent("[DONE]", undefined);
    expect(writer.status).toBe("completed");
    expect(isMessagesWriter(writer) && writer.messageObject()).toMatchObject({ id: "msg_abc", model: "m", content: [{ type: "text", text: "yo" }] });
  });

  it("Anthropic upstreams: the body relayed with the configured model, the client's anthropic-beta forwarded, no parameter retries", () => {
    const p = messagesAnthropicRoute.prepare(ctx({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, "anthropic", { "anthropic-beta": "tools-2024" }));
    expect(JSON.parse(String(p.request.body)).model).toBe("up");
    expect(p.request.headers["anthropic-beta"]).toBe("tools-2024");
    expect(p.createOutput({ responseId: "resp_1", model: "m" }).writer).toBeInstanceOf(AnthropicRelayWriter);
    expect(messagesAnthropicRoute.paramWire).toBeUndefined();
    expect(messagesAnthropicRoute.prepare(ctx({ model: "m", max_tokens: 10, messages: [] }, "anthropic")).request.headers["anthropic-beta"]).toBeUndefined();
  });
});
