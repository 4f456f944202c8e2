import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, httpErrorStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";
import { decodeCompactionSummary } from "../../adapters/compaction/compaction-carrier.ts";

let up: ScriptedUpstream;
let shim: TestShim;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "up-model", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-compact-test", max_context_limit: 64000 }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const compact = (body: unknown) => fetch(`${shim.url}/v1/responses/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("POST /v1/responses/compact", () => {
  it("summarizes through the upstream and returns the compacted window", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep("SUMMARY: wrote out.txt; next: patch it.")]);
    const history = codexRequestBody("tool-loop-turn3").input;
    const res = await compact({ model: "m", input: history, instructions: "be a coder" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ object: "response.compaction", usage: { input_tokens: 11, output_tokens: 5, total_tokens: 16 } });
    const last = body.output.at(-1);
    expect(last.type).toBe("compaction");
    expect(decodeCompactionSummary(last.encrypted_content)?.summary).toBe("SUMMARY: wrote out.txt; next: patch it.");
    // only the user's own messages are kept (not the environment context)
    const users = body.output.slice(0, -1);
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u.role).toBe("user");
    expect(JSON.stringify(users)).not.toContain("<environment_context>");
    // upstream got the history, the summarization prompt, and no tools
    const sent = up.requests[0].body;
    expect(sent.tools).toBeUndefined();
    expect(sent.messages[0].role).toBe("system");
    expect(sent.messages[0].content.startsWith("be a coder")).toBe(true);
    expect(sent.messages.at(-1).content).toContain("CONTEXT CHECKPOINT COMPACTION");
    expect(sent.messages.some((m: any) => m.tool_calls?.[0]?.function?.name === "apply_patch")).toBe(true);
    // the summary log line tells a compaction from an ordinary turn
    expect(shim.logs.filter((l) => l.startsWith("[req]")).at(-1)).toMatch(/ outcome=completed .*endpoint=compact$/);
  });

  it("the compaction item replays as the summary on the next turn", async () => {
    up.setScript([chatTextStep("SUMMARY-XYZ")]);
    const body = await (await compact({ model: "m", input: "please build a thing" })).json();
    up.requests.length = 0;
    up.setScript([chatTextStep("continuing")]);
    const res = await postResponses(shim, { model: "m", stream: false, input: [...body.output, { type: "message", role: "user", content: "go on" }] });
    expect(res.status).toBe(200);
    const msgs = up.requests[0].body.messages;
    expect(JSON.stringify(msgs)).toContain("SUMMARY-XYZ");
    expect(JSON.stringify(msgs)).toContain("please build a thing");
  });

  it("trims a history larger than the model's window before summarizing", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep("short summary")]);
    const big = "x".repeat(50_000);
    const input = [
      { type: "message", role: "developer", content: "rules" },
      ...Array.from({ length: 20 }, (_, i) => [
        { type: "function_call", call_id: `c${i}`, name: "exec_command", arguments: "{}" },
        { type: "function_call_output", call_id: `c${i}`, output: big },
      ]).flat(),
      { type: "message", role: "user", content: "latest" },
    ];
    const res = await compact({ model: "m", input });
    expect(res.status).toBe(200);
    expect(up.requests[0].rawBody.length).toBeLessThan(64000 * 3);
    expect(up.requests[0].body.messages[0]).toEqual({ role: "system", content: "rules" });
    expect(shim.logs.some((l) => l.includes("[compact]"))).toBe(true);
  });

  it("passes upstream errors through and rejects bad input", async () => {
    up.setScript([httpErrorStep(400, { error: { message: "This model's maximum context length is 8192 tokens" } })]);
    const res = await compact({ model: "m", input: "x" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("context_length_exceeded");
    expect((await compact({ model: "m" })).status).toBe(400);
    expect((await compact({ model: "nope", input: "x" })).status).toBe(404);
  });
});
