import { describe, expect, it } from "vitest";
import { AnthropicRelayWriter, createAnthropicRelayTranslator } from "./anthropic-relay-writer.ts";

const usage = { input_tokens: 5, cache_read_input_tokens: 10, cache_creation_input_tokens: 3, output_tokens: 1 };

describe("AnthropicRelayWriter", () => {
  it("relays events byte for byte but for the model in message_start; logs the whole prompt as input, streamed or not", () => {
    const w = new AnthropicRelayWriter({ slug: "my-claude" });
    const t = createAnthropicRelayTranslator(w);
    const delta = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}';
    t.onEvent(JSON.stringify({ type: "message_start", message: { id: "msg_1", model: "claude-x", usage } }), "message_start");
    t.onEvent(delta, "content_block_delta");
    t.onEvent('{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}', "message_delta");
    t.onEvent('{"type":"message_stop"}', "message_stop");
    const out = w.take();
    expect(out).toContain(`event: content_block_delta\ndata: ${delta}\n\n`);
    expect(out).toContain('"model":"my-claude"');
    expect(w.status).toBe("completed");
    expect(w.usage).toMatchObject({ input_tokens: 18, input_tokens_details: { cached_tokens: 10 }, output_tokens: 7 });

    const whole = new AnthropicRelayWriter({ slug: "my-claude" });
    createAnthropicRelayTranslator(whole).onJsonBody({ type: "message", id: "msg_2", content: [{ type: "tool_use", id: "t", name: "f", input: {} }], usage: { ...usage, output_tokens: 7 } });
    expect(whole.usage).toEqual(w.usage);
    expect(whole.toolCallCount).toBe(1);
    expect((whole.messageObject() as { model: string }).model).toBe("my-claude");
  });
});
