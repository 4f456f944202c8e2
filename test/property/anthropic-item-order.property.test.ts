import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";
import { buildUpstreamToolSet } from "../../adapters/tools/upstream-tool-set.ts";
import type { Tool } from "../../adapters/responses/responses-types.ts";
import { AnthropicStreamTranslator } from "../../adapters/anthropic/translate-anthropic-stream-to-responses.ts";
import { assertCodexStream } from "../helpers/check-codex-stream.ts";
import { splitAt } from "../helpers/split-at.ts";

/**
 * Property: whatever mix of text, function tool_use and apply_patch tool_use blocks an Anthropic
 * stream carries, the Responses items come out in the model's block order (output_index, the
 * order items are added and done), custom (freeform) calls included, and Codex accepts the stream.
 */

const TOOLS: Tool[] = [
  { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } },
  { type: "custom", name: "apply_patch", description: "patch", format: { type: "grammar", syntax: "lark", definition: "start: x" } },
];

type Block = { kind: "text"; text: string } | { kind: "tool"; name: "exec_command" | "apply_patch"; json: string; splits: number[] };

const text = fc.string({ minLength: 1, maxLength: 20 }).filter((t) => t.trim() !== "");
const block: fc.Arbitrary<Block> = fc.oneof(
  text.map((t) => ({ kind: "text" as const, text: t })),
  fc.record({
    kind: fc.constant("tool" as const),
    name: fc.constant("exec_command" as const),
    json: fc.string({ maxLength: 20 }).map((cmd) => JSON.stringify({ cmd })),
    splits: fc.array(fc.nat(), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("tool" as const),
    name: fc.constant("apply_patch" as const),
    json: fc.string({ maxLength: 20 }).map((s) => JSON.stringify({ input: `*** Begin Patch\n${s}\n*** End Patch` })),
    splits: fc.array(fc.nat(), { maxLength: 4 }),
  }),
);

const pieces = (s: string, at: number[]): string[] => splitAt(s, at).filter((p) => p !== "");

function events(blocks: Block[]): unknown[] {
  const out: unknown[] = [{ type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], usage: { input_tokens: 1, output_tokens: 0 } } }];
  blocks.forEach((b, index) => {
    if (b.kind === "text") {
      out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: b.text } });
    } else {
      out.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: `toolu_${index}`, name: b.name, input: {} } });
      for (const p of pieces(b.json, b.splits)) out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } });
    }
    out.push({ type: "content_block_stop", index });
  });
  const tools = blocks.some((b) => b.kind === "tool");
  out.push({ type: "message_delta", delta: { stop_reason: tools ? "tool_use" : "end_turn" }, usage: { output_tokens: 5 } });
  out.push({ type: "message_stop" });
  return out;
}

describe("Anthropic stream → Responses item order (property)", () => {
  it("items follow the model's block order, apply_patch included", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 8 }), (blocks) => {
        const writer = new ResponsesEventWriter({ responseId: "resp_p", model: "slug" });
        const t = new AnthropicStreamTranslator(writer, buildUpstreamToolSet(TOOLS, []), { model: "claude-x", where: "test" });
        writer.start();
        for (const e of events(blocks)) t.onEvent(JSON.stringify(e));
        const r = assertCodexStream(writer.take());
        expect(r.terminal.type).toBe("response.completed");

        // Adjacent text blocks merge into one message item.
        const expected: string[] = [];
        blocks.forEach((b, i) => {
          const key = b.kind === "text" ? "message" : `${b.name === "apply_patch" ? "custom_tool_call" : "function_call"}:toolu_${i}`;
          if (key !== "message" || expected.at(-1) !== "message") expected.push(key);
        });
        const keyOf = (item: any) => (item.type === "message" ? "message" : `${item.type}:${item.call_id}`);
        expect(r.items.map(keyOf)).toEqual(expected);
        const added = r.events.filter((e) => e.type === "response.output_item.added");
        const done = r.events.filter((e) => e.type === "response.output_item.done");
        expect(added.map((e) => keyOf(e.item))).toEqual(expected);
        expect(done.map((e) => keyOf(e.item))).toEqual(expected);
        expect(added.map((e) => e.output_index)).toEqual(expected.map((_, i) => i));
        for (const item of r.items) if (item.type === "custom_tool_call") expect(item.input).toMatch(/^\*\*\* Begin Patch\n[\s\S]*\n\*\*\* End Patch$/);
      }),
      { numRuns: 300 },
    );
  });
});
