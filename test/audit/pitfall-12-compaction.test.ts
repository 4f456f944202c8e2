import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";
import { decodeCompactionSummary } from "../../adapters/compaction/compaction-carrier.ts";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { anthropicStep } from "../helpers/anthropic-sse.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";

/**
 * Pitfall 12: compaction. 0.169 compacts locally (an ordinary /responses request with tools: [])
 * or, named "OpenAI", with remote compaction v2 (input ends with compaction_trigger, the answer
 * must be exactly one compaction item). Older builds call /v1/responses/compact, which has no
 * fallback on 404: it must work for every route.
 */
describe("pitfall 12: compaction requests through both routes", () => {
  it.each(["chat", "anthropic"] as const)("%s: the real local-compaction request sends no tools / tool_choice / parallel_tool_calls", (kind) => {
    const body = codexRequestBody("compact-local");
    expect(body.tools).toEqual([]);
    const { sent } = H.prepare(kind, body);
    for (const k of ["tools", "tool_choice", "parallel_tool_calls"]) expect(sent).not.toHaveProperty(k);
    expect(JSON.stringify(sent.messages)).toMatch(/summar/i);
  });

  it.each([
    ["chat", H.chatSseBody([H.chatDelta({ reasoning_content: "hm" }), H.chatDelta({ content: "SUMMARY of the work" }, "stop")])],
    ["anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicThinkingBlock(0, "hm", "s"), ...H.anthropicTextBlock(1, "SUMMARY of the work"), ...H.anthropicEnd("end_turn")])],
  ] as const)("%s: remote compaction v2 is answered with exactly one compaction item, and it replays as readable text", async (kind, answer) => {
    const req = codexRequestBody("compact-remote-v2");
    expect(req.input.at(-1).type).toBe("compaction_trigger");
    const t = await H.translate(kind, req, answer);
    expect(t.errors).toEqual([]);
    expect(t.items).toHaveLength(1);
    expect(t.items[0].type).toBe("compaction");
    expect(decodeCompactionSummary(t.items[0].encrypted_content)?.summary).toBe("SUMMARY of the work");
    expect(t.sent).not.toHaveProperty("tools");
    // the next window (what Codex sends after compaction) gives the summary to the model as text
    const after = H.prepare(kind, { input: [H.userMsg("first ask"), t.items[0], H.userMsg("continue")] as any }).sent;
    expect(JSON.stringify(after.messages)).toContain("SUMMARY of the work");
  });
});

describe("pitfall 12: POST /v1/responses/compact on the Anthropic route", () => {
  let up: ScriptedUpstream;
  let shim: TestShim;
  beforeAll(async () => {
    up = await startScriptedUpstream([anthropicStep({ text: "SUMMARY: edited out.txt" })]);
    shim = await startTestShim([{ model: "claude-sonnet-4-5", slug: "a", provider: "anthropic", base_url: `${up.url}/v1`, api_key: "sk-ant-compact-0123456789", max_context_limit: 200000 }]);
  });
  afterAll(async () => {
    await shim.close();
    await up.close();
  });

  it("summarizes through Anthropic and returns the compacted window with one compaction item", async () => {
    const res = await fetch(`${shim.url}/v1/responses/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "a", input: codexRequestBody("tool-loop-turn3").input }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe("response.compaction");
    expect(body.output.at(-1).type).toBe("compaction");
    expect(decodeCompactionSummary(body.output.at(-1).encrypted_content)?.summary).toBe("SUMMARY: edited out.txt");
    expect(up.requests[0].url).toBe("/v1/messages");
    expect(up.requests[0].body.tools).toBeUndefined();
  });
});
