import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { convertMessagesToChat } from "./convert-messages-to-chat.ts";
import type { MessagesMessage, MessagesRequest } from "../anthropic/anthropic-types.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";

const model: ModelConfig = { slug: "m", model: "up", provider: "openai", baseUrl: "http://127.0.0.1:9/v1", displayName: "m", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS };
const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v));
const wire = (req: MessagesRequest) => JSON.stringify(convertMessagesToChat(req, model, []));

// Claude-Code-shaped histories: text (empty too), thinking, tool calls with and without ids, results answering them or not
const text = fc.string({ unit: fc.constantFrom("a", " ", "\n", "é", "\u0000", '"'), maxLength: 8 });
const id = fc.constantFrom("t1", "t2", "t3", "");
const assistantBlock = fc.oneof(
  text.map((t) => ({ type: "text", text: t })),
  text.map((t) => ({ type: "thinking", thinking: t, signature: "s" })),
  fc.record({ type: fc.constant("tool_use"), id, name: fc.constantFrom("Bash", "Read"), input: fc.constantFrom({}, { cmd: "ls" }) }),
);
const userBlock = fc.oneof(
  text.map((t) => ({ type: "text", text: t })),
  fc.record({ type: fc.constant("tool_result"), tool_use_id: id, content: text, is_error: fc.boolean() }),
);
const message: fc.Arbitrary<MessagesMessage> = fc.oneof(
  fc.record({ role: fc.constant("assistant"), content: fc.oneof(text, fc.array(assistantBlock, { minLength: 1, maxLength: 3 })) }),
  fc.record({ role: fc.constant("user"), content: fc.oneof(text, fc.array(userBlock, { minLength: 1, maxLength: 3 })) }),
) as fc.Arbitrary<MessagesMessage>;

describe("continueMessagesChat (incremental turns on /v1/messages → chat)", () => {
  it("a reused rendering is byte-identical to a fresh one, for any history and any earlier request whose messages it shares", () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.array(message, { minLength: 2, maxLength: 12 }), fc.nat(), fc.constantFrom(undefined, "be brief", "sys ✓"), (messages, at, system) => {
        const k = 1 + (at % messages.length);
        const parsed = clone(messages);
        const first: MessagesRequest = { model: "m", max_tokens: 100, system, messages: parsed.slice(0, k) };
        const before = convertMessagesToChat(first, model, []);
        // the next request shares the first k message objects (as body-prefix reuse parses them), then new ones
        const next: MessagesRequest = { ...first, messages: parsed };
        const got = convertMessagesToChat(next, model, []);
        expect(JSON.stringify(got)).toBe(wire(clone(next)));
        if (got.messages.some((m) => before.messages.includes(m))) reused++;
        // with another system text nothing is reused
        expect(wire({ ...next, system: "other" })).toBe(wire(clone({ ...next, system: "other" })));
      }),
      { numRuns: 500 },
    );
    expect(reused).toBeGreaterThan(100);
  });
});
