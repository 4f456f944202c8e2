import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { chatToolCallsStep } from "../helpers/chat-agent-steps.ts";
import { assertCodexStream } from "../helpers/check-codex-stream.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";

let up: ScriptedUpstream;
let shim: TestShim;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "up-model", slug: "shim-model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-int-key" }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

describe("chat route agent loop through the real server (recorded Codex requests)", () => {
  it("streams an apply_patch call as custom_tool_call and logs the dropped hosted tool", async () => {
    up.setScript([chatToolCallsStep([{ id: "call_p", name: "apply_patch", args: JSON.stringify({ input: "*** Begin Patch\n*** End Patch\n" }) }], { reasoning: "patching" })]);
    const body = codexRequestBody("tool-loop-turn1");
    const res = await postResponses(shim, body);
    const r = assertCodexStream(await res.text());
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "custom_tool_call"]);
    expect(r.items[1]).toMatchObject({ name: "apply_patch", call_id: "call_p", input: "*** Begin Patch\n*** End Patch\n" });
    expect(r.terminal.response.usage).toMatchObject({ input_tokens: 50, output_tokens: 10, total_tokens: 60 });
    await new Promise((r) => setTimeout(r, 20));
    expect(shim.logs.some((l) => l.includes("hosted tool web_search not sent"))).toBe(true);
    expect(shim.logs.join("\n")).not.toContain("sk-int-key");
  });

  it("non-streaming: reasoning, namespaced call and usage in the Responses object", async () => {
    up.setScript([chatToolCallsStep([{ id: "call_m", name: "mcp__calc__add", args: '{"a":1,"b":2}' }], { reasoning: "add them", usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })]);
    const res = await postResponses(shim, { ...codexRequestBody("mcp-turn1"), stream: false });
    expect(res.status).toBe(200);
    const obj = await res.json();
    expect(obj.status).toBe("completed");
    expect(obj.output.map((o: any) => o.type)).toEqual(["reasoning", "function_call"]);
    expect(obj.output[0].encrypted_content).toMatch(/^codex-shim:chat-reasoning:v1:/);
    expect(obj.output[1]).toMatchObject({ namespace: "mcp__calc", name: "add", arguments: '{"a":1,"b":2}' });
    expect(obj.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });

    // and the reasoning goes back with that call on the next request
    up.requests.length = 0;
    const next = { ...codexRequestBody("mcp-turn1"), stream: false, input: [...codexRequestBody("mcp-turn1").input, ...obj.output, { type: "function_call_output", call_id: "call_m", output: [{ type: "input_text", text: "3" }] }] };
    up.setScript([chatToolCallsStep([{ id: "x", name: "exec_command", args: "{}" }])]);
    await postResponses(shim, next);
    const a = up.requests[0].body.messages.find((m: any) => m.tool_calls);
    expect(a).toMatchObject({ reasoning_content: "add them", tool_calls: [{ id: "call_m", function: { name: "mcp__calc__add" } }] });
  });
});
