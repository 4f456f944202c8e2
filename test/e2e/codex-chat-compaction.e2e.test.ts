import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { chatTextWithUsage, chatToolCallsStep, decide, lastMessage, textOfMessage, toolMessages } from "../helpers/chat-agent-steps.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";

let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "up-model", slug: "small-model", display_name: "Small Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-key" }]);
  // A tiny window: Codex compacts once a response reports total_tokens ≥ 90 % of it (protocol §10).
  catalog = { models: shim.ctx.store.current.models.map((m) => ({ ...buildCatalogEntry(m), context_window: 4000, max_context_window: 4000, auto_compact_token_limit: 3600 })) };
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const isCompaction = (body: any) => textOfMessage(lastMessage(body)).includes("CONTEXT CHECKPOINT COMPACTION");

describe("real Codex CLI: automatic compaction through the chat route", () => {
  it("summarizes mid-turn (no tools sent), then continues in a new window with the summary", async () => {
    up.requests.length = 0;
    up.setScript([
      decide((body) => {
        if (isCompaction(body)) return chatTextWithUsage("SUMMARY-7F3: ran echo compact-test; next: report the result.", { prompt_tokens: 900, completion_tokens: 20, total_tokens: 920 });
        if (JSON.stringify(body.messages).includes("SUMMARY-7F3")) return chatTextWithUsage("Done after compaction.", { prompt_tokens: 300, completion_tokens: 5, total_tokens: 305 });
        if (toolMessages(body).length === 0)
          return chatToolCallsStep([{ id: "call_c1", name: "exec_command", args: JSON.stringify({ cmd: "echo compact-test" }) }], { usage: { prompt_tokens: 3800, completion_tokens: 100, total_tokens: 3900 } });
        return chatTextWithUsage("unexpected: no compaction happened", { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
      }),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "small-model", catalog });
    const run = await runCodex(setup, ["run echo compact-test and tell me what it printed"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Done after compaction.");

    const bodies = up.requests.map((r) => r.body);
    const compaction = bodies.find(isCompaction);
    expect(compaction, "Codex sent no compaction request").toBeDefined();
    // the summarization request: no tools, a valid call/output pair, the prompt last
    expect(compaction.tools).toBeUndefined();
    expect(compaction.parallel_tool_calls).toBeUndefined();
    const call = compaction.messages.find((m: any) => m.tool_calls);
    expect(call.tool_calls[0].id).toBe("call_c1");
    expect(compaction.messages[compaction.messages.indexOf(call) + 1]).toMatchObject({ role: "tool", tool_call_id: "call_c1" });
    // the request after it carries the summary and no longer the tool history
    const after = bodies[bodies.indexOf(compaction) + 1];
    expect(JSON.stringify(after.messages)).toContain("SUMMARY-7F3");
    expect(after.messages.some((m: any) => m.tool_calls)).toBe(false);
    expect(after.tools.length).toBeGreaterThan(0);
  });

  it("remote compaction v2 (provider named OpenAI): one compaction item, replayed as the summary", async () => {
    up.requests.length = 0;
    up.setScript([
      decide((body) => {
        if (isCompaction(body)) return chatTextWithUsage("SUMMARY-V2-91C: ran echo compact-test.", { prompt_tokens: 900, completion_tokens: 20, total_tokens: 920 });
        if (JSON.stringify(body.messages).includes("SUMMARY-V2-91C")) return chatTextWithUsage("Done after remote compaction.", { prompt_tokens: 300, completion_tokens: 5, total_tokens: 305 });
        if (toolMessages(body).length === 0)
          return chatToolCallsStep([{ id: "call_c2", name: "exec_command", args: JSON.stringify({ cmd: "echo compact-test" }) }], { usage: { prompt_tokens: 3800, completion_tokens: 100, total_tokens: 3900 } });
        return chatTextWithUsage("unexpected: no compaction happened", { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
      }),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "small-model", catalog });
    const cfg = join(setup.codexHome, "config.toml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace('name = "shim"', 'name = "OpenAI"'));
    const run = await runCodex(setup, ["run echo compact-test and tell me what it printed"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Done after remote compaction.");
    const bodies = up.requests.map((r) => r.body);
    const compaction = bodies.find(isCompaction);
    expect(compaction, "Codex sent no compaction request").toBeDefined();
    expect(compaction.tools).toBeUndefined();
    const after = bodies[bodies.indexOf(compaction) + 1];
    expect(JSON.stringify(after.messages)).toContain("SUMMARY-V2-91C");
    expect(after.messages.some((m: any) => m.tool_calls)).toBe(false);
  });
});
