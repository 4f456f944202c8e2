import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { markSharedHistory } from "./shared-history.ts";
import { encodeJsonBody } from "./encode-json-body.ts";
import { convertResponsesRequestToChat } from "../chat/convert-responses-request-to-chat.ts";
import { convertResponsesRequestToAnthropic } from "../anthropic/convert-responses-request-to-anthropic.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

const same = (body: Record<string, unknown>, key: string) => expect(encodeJsonBody(body, key).equals(Buffer.from(JSON.stringify(body)))).toBe(true);

describe("encodeJsonBody", () => {
  it("is byte-identical to Buffer.from(JSON.stringify(body)) for any JSON object body", () => {
    // strings mixing ASCII, non-ASCII, astral characters, lone surrogates and control characters
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("a", " ", '"', "\\", "\n", "\u0000", "\u001f", "é", "—", "行", "😀", "\ud800", "\udfff"), fc.string({ unit: "binary", maxLength: 1 })) });
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), tie("array"), tie("object")),
      array: fc.array(tie("value"), { maxLength: 5 }),
      object: fc.dictionary(text, tie("value"), { maxKeys: 5 }),
    }));
    const body = fc.record({ model: text, messages: fc.array(json.value, { maxLength: 8 }), extra: json.value, n: fc.integer() }, { requiredKeys: ["messages"] });
    fc.assert(
      fc.property(body, fc.constantFrom("messages", "input", "extra", "model"), (b, key) => {
        same(b as Record<string, unknown>, key);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves out what JSON.stringify leaves out, and keeps its key order", () => {
    same({ b: 1, messages: [undefined, () => 1, { x: undefined }, []], a: undefined, f: () => 2, 2: "two", 1: "one" }, "messages");
    same({ messages: [] }, "messages");
    same({}, "messages");
    same({ messages: "not an array" }, "messages");
  });

  it("is byte-identical on the chat and Anthropic bodies of real Codex turns", () => {
    const model: ModelConfig = { slug: "m", model: "up", provider: "openai", baseUrl: "http://127.0.0.1:9/v1", displayName: "m", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS };
    for (const turn of ["tool-loop-turn1", "tool-loop-turn2", "tool-loop-turn3"]) {
      const req = codexRequestBody(turn);
      same(convertResponsesRequestToChat(req, model, []).body as unknown as Record<string, unknown>, "messages");
      same(convertResponsesRequestToAnthropic(req, { ...model, provider: "anthropic" }, []).body as unknown as Record<string, unknown>, "messages");
      same(req as unknown as Record<string, unknown>, "input");
    }
  });
});

describe("encodeJsonBody with reused elements", () => {
  it("is byte-identical to a fresh encoding, also when the same element objects come again in other bodies", () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("a", '"', "\\", "\n", "\u0000", "é", "😀", "\ud800"), fc.string({ unit: "binary", maxLength: 1 })) });
    const element = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ type: text, text, n: fc.integer() }));
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), fc.array(element, { maxLength: 4 }), fc.nat(), text, (history, added, keepSeed, model) => {
        // arrays marked as a thread's shared history (as body-prefix reuse marks them): their elements' bytes are kept
        const shared = <T extends unknown[]>(a: T) => (markSharedHistory(a), a);
        const first = { model, input: shared(history), store: false };
        expect(encodeJsonBody(first, "input").equals(Buffer.from(JSON.stringify(first)))).toBe(true);
        // the next turn: part of the same objects (by reference), then new ones
        const next = { model: `${model}2`, input: shared([...history.slice(0, keepSeed % (history.length + 1)), ...added, ...history]), tools: [] };
        expect(encodeJsonBody(next, "input").equals(Buffer.from(JSON.stringify(next)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
