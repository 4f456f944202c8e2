import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { anthropicDecide, anthropicStep } from "../helpers/anthropic-sse.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";

/** Codex's automatic compaction against a scripted Anthropic upstream (local and remote v2). */
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "claude-sonnet-4-5", slug: "claude-small", display_name: "Claude Small", provider: "anthropic", base_url: up.url, api_key: "sk-ant-e2e-compact" }]);
  // A tiny window: Codex compacts once a response reports total_tokens ≥ 90 % of it.
  catalog = { models: shim.ctx.store.current.models.map((m) => ({ ...buildCatalogEntry(m), context_window: 4000, max_context_window: 4000, auto_compact_token_limit: 3600 })) };
});
afterAll(async () => {
  await shim?.close();
  await up?.close();
});

const text = (body: any) => JSON.stringify(body.messages);
const isCompaction = (body: any) => JSON.stringify(body.messages.at(-1)).includes("CONTEXT CHECKPOINT COMPACTION");
const hasToolResult = (body: any) => body.messages.some((m: any) => m.content.some((b: any) => b.type === "tool_result"));

function script(marker: string, final: string) {
  return anthropicDecide((body) => {
    if (isCompaction(body)) return anthropicStep({ text: `${marker}: ran echo compact-test; next: report it.`, usage: { input_tokens: 900, output_tokens: 20 } });
    if (text(body).includes(marker)) return anthropicStep({ text: final, usage: { input_tokens: 300, output_tokens: 5 } });
    if (!hasToolResult(body))
      return anthropicStep({
        thinking: [{ thinking: "run it", signature: "sig-c" }],
        tools: [{ id: "toolu_c1", name: "exec_command", input: { cmd: "echo compact-test" } }],
        // 800 fresh + 3000 read from cache: over the 3600-token limit only if cache reads count as input
        usage: { input_tokens: 800, cache_read_input_tokens: 3000, output_tokens: 100 },
      });
    return anthropicStep({ text: "unexpected: no compaction happened" });
  });
}

describe("real Codex CLI: compaction through the Anthropic route", () => {
  it("local compaction: cache reads count towards the window, summary request without tools, then a new window", async () => {
    up.requests.length = 0;
    up.setScript([script("SUMMARY-A1", "Done after compaction.")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-small", catalog });
    const run = await runCodex(setup, ["run echo compact-test and tell me what it printed"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Done after compaction.");
    const bodies = up.requests.map((r) => r.body);
    const compaction = bodies.find(isCompaction);
    expect(compaction, "Codex sent no compaction request").toBeDefined();
    expect(compaction.tools).toBeUndefined();
    const after = bodies[bodies.indexOf(compaction) + 1];
    expect(text(after)).toContain("SUMMARY-A1");
    expect(hasToolResult(after)).toBe(false);
  });

  it("remote compaction v2 (provider named OpenAI): one compaction item, replayed as the summary", async () => {
    up.requests.length = 0;
    up.setScript([script("SUMMARY-V2-A", "Done after remote compaction.")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "claude-small", catalog });
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
    expect(text(after)).toContain("SUMMARY-V2-A");
    expect(hasToolResult(after)).toBe(false);
  });
});
