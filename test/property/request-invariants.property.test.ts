import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { startFaultServer, sseChunk, type FaultServer } from "../faults/fault-server.ts";

/**
 * Property: whatever Responses request arrives (plausible Codex shapes, mutated shapes, or any
 * JSON object), the server answers without a 5xx it caused itself, stays alive, and a streamed
 * answer ends with exactly one terminal event and strictly increasing sequence numbers.
 */

let up: FaultServer;
let shim: TestShim;

beforeAll(async () => {
  up = await startFaultServer(({ res }) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(sseChunk({ content: "ok" }) + sseChunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "shell", arguments: '{"cmd":"ls"}' } }] }) + sseChunk({}, "tool_calls") + "data: [DONE]\n\n");
  });
  shim = await startTestShim([{ model: "up-model", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-x" }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const text = fc.string({ unit: "binary", maxLength: 30 });
const contentPart = fc.oneof(
  fc.record({ type: fc.constantFrom("input_text", "output_text"), text }),
  fc.record({ type: fc.constant("input_image"), image_url: fc.constantFrom("data:image/png;base64,iVBORw0KGgo=", "https://example.invalid/x.png", ""), detail: fc.constantFrom("auto", "high", "low", "original") }),
  fc.record({ type: fc.constantFrom("refusal", "input_file", "something_new"), refusal: text }),
);
const callId = fc.constantFrom("call_1", "call_2", "call_x");
const item = fc.oneof(
  fc.record({ type: fc.constant("message"), role: fc.constantFrom("user", "assistant", "developer", "system", "tool"), content: fc.oneof(text, fc.array(contentPart, { maxLength: 4 })) }),
  fc.record({ type: fc.constant("function_call"), call_id: callId, name: fc.constantFrom("shell", "read", "ns__tool"), arguments: fc.oneof(text, fc.jsonValue().map((v) => JSON.stringify(v))) }),
  fc.record({ type: fc.constant("function_call_output"), call_id: callId, output: fc.oneof(text, fc.array(contentPart, { maxLength: 2 })) }),
  fc.record({ type: fc.constant("custom_tool_call"), call_id: callId, name: fc.constant("apply_patch"), input: text }),
  fc.record({ type: fc.constant("custom_tool_call_output"), call_id: callId, output: text }),
  fc.record({ type: fc.constant("reasoning"), summary: fc.array(fc.record({ type: fc.constant("summary_text"), text }), { maxLength: 2 }), encrypted_content: fc.oneof(fc.constant(null), text) }),
  fc.record({ type: fc.constantFrom("local_shell_call", "web_search_call", "compaction", "item_reference", "brand_new_type"), id: text }),
);
const tool = fc.oneof(
  fc.record({ type: fc.constant("function"), name: fc.constantFrom("shell", "read"), description: text, parameters: fc.oneof(fc.constant({ type: "object", properties: {} }), fc.jsonValue()), strict: fc.boolean() }),
  fc.record({ type: fc.constant("custom"), name: fc.constant("apply_patch"), description: text, format: fc.constant({ type: "grammar", syntax: "lark", definition: "start: /.+/" }) }),
  fc.record({ type: fc.constant("namespace"), name: fc.constant("ns"), description: text, tools: fc.array(fc.record({ type: fc.constant("function"), name: fc.constant("tool"), parameters: fc.constant({ type: "object" }) }), { maxLength: 2 }) }),
  fc.record({ type: fc.constantFrom("web_search", "local_shell", "image_generation", "mystery") }),
);
const plausible = fc.record(
  {
    model: fc.constant("m"),
    stream: fc.boolean(),
    instructions: text,
    input: fc.oneof(text, fc.array(item, { maxLength: 8 })),
    tools: fc.array(tool, { maxLength: 4 }),
    tool_choice: fc.oneof(fc.constantFrom("auto", "none", "required"), fc.record({ type: fc.constant("function"), name: fc.constant("shell") })),
    parallel_tool_calls: fc.boolean(),
    reasoning: fc.record({ effort: fc.constantFrom("none", "minimal", "low", "medium", "high", "xhigh", "bogus"), summary: fc.constantFrom("auto", "none") }),
    text: fc.record({ verbosity: fc.constantFrom("low", "medium", "high") }),
    max_output_tokens: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.constant(null)),
    store: fc.boolean(),
    include: fc.array(fc.constantFrom("reasoning.encrypted_content", "x"), { maxLength: 2 }),
    prompt_cache_key: text,
  },
  { requiredKeys: ["model", "stream", "input"] },
);
/** Plausible requests with one field replaced by arbitrary JSON. */
const mutated = fc.tuple(plausible, fc.constantFrom("input", "tools", "tool_choice", "reasoning", "text", "instructions", "max_output_tokens", "include", "stream"), fc.jsonValue()).map(([r, k, v]) => ({ ...r, [k]: v }));
const anyObject = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 })).map((o) => ({ model: "m", ...o }));

describe("any Responses request (property)", () => {
  it("never a self-inflicted 5xx, one terminal event per stream, server alive", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: mutated }, { weight: 1, arbitrary: anyObject }), async (body) => {
        const res = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const raw = await res.text();
        expect(res.status, raw).toBeLessThan(500);
        if (res.status === 200 && (body as { stream?: unknown }).stream === true) {
          const events = parseSseEvents(raw);
          const terminals = events.filter((e) => /^response\.(completed|failed|incomplete)$/.test(e.type));
          expect(terminals).toHaveLength(1);
          expect(events.at(-1)).toBe(terminals[0]);
          for (let i = 1; i < events.length; i++) expect(events[i].sequence_number).toBeGreaterThan(events[i - 1].sequence_number);
        } else if (res.status >= 400) {
          expect(JSON.parse(raw).error.message).toBeTruthy();
        }
      }),
      { numRuns: 250 },
    );
    expect((await fetch(`${shim.url}/health`)).status).toBe(200);
    expect(shim.logs.join("\n")).not.toMatch(/\[err\]/);
  }, 120_000);
});
