import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sseStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { chatgptCatalogEntries } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";

/** The ChatGPT stand-in answers with recorded Responses streams Codex accepted (a 3-step tool loop). */
const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/codex-0.169/${name}`, import.meta.url), "utf8");

const TOKEN = "chatgpt-access-token-e2e-0123456789";

function loggedInHome(): string {
  const d = mkdtempSync(join(tmpdir(), "codex-home-logged-in-"));
  writeFileSync(join(d, "auth.json"), JSON.stringify({ tokens: { access_token: "x" } }));
  return d;
}
let chatgpt: ScriptedUpstream;
let shim: TestShim;
let shimCodexHome: string;

beforeAll(async () => {
  chatgpt = await startScriptedUpstream();
  // The shim's CODEX_HOME (where `codex login` keeps auth.json) — not the Codex run's private one.
  shimCodexHome = mkdtempSync(join(tmpdir(), "shim-codex-home-"));
  shim = await startTestShim([], {
    env: { ...process.env, CODEX_HOME: shimCodexHome, CODEX_SHIM_CHATGPT_BASE_URL: `${chatgpt.url}/backend-api/codex`, CODEX_SHIM_DISABLE_CURSOR: "1" },
  });
});
afterAll(async () => {
  await shim.close();
  await chatgpt.close();
});

describe("real Codex CLI → codex-shim ChatGPT passthrough → loopback ChatGPT stand-in", () => {
  it("completes a tool loop (exec_command, apply_patch, answer) with the login's auth headers", async () => {
    writeFileSync(join(shimCodexHome, "auth.json"), JSON.stringify({ tokens: { access_token: TOKEN, account_id: "acct-e2e" } }));
    chatgpt.requests.length = 0;
    chatgpt.setScript([sseStep(fixture("tool-loop-turn1.sse")), sseStep(fixture("tool-loop-turn2.sse")), sseStep(fixture("tool-loop-turn3.sse"))]);
    const catalog = { models: chatgptCatalogEntries(shim.ctx.env) };
    expect(catalog.models.map((m) => m.slug)).toEqual(["gpt-5.5"]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "gpt-5.5", catalog });
    const run = await runCodex(setup, ["write hello to out.txt, then change it to hello world"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(setup.workdir, "out.txt"), "utf8")).toBe("hello world\n");
    expect(chatgpt.requests.length).toBe(3);
    for (const r of chatgpt.requests) {
      expect(r.url).toBe("/backend-api/codex/responses");
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers["chatgpt-account-id"]).toBe("acct-e2e");
      expect(r.headers.originator).toBe("codex_cli_rs");
      expect(r.body.model).toBe("gpt-5.5");
      expect(r.body.stream).toBe(true);
      expect(r.headers.session_id).toBe(r.body.prompt_cache_key);
    }
    // Codex's native payload arrives intact: its tools (custom apply_patch included) and replayed items.
    const [first, second, third] = chatgpt.requests.map((r) => r.body);
    expect(first.tools.some((t: any) => t.type === "custom" && t.name === "apply_patch")).toBe(true);
    expect(first.include).toEqual(["reasoning.encrypted_content"]);
    expect(second.input.some((i: any) => i.type === "reasoning" && i.encrypted_content === "gAAAAA-fake-encrypted-1")).toBe(true);
    expect(second.input.some((i: any) => i.type === "function_call_output" && i.call_id === "call_shell_1" && String(i.output).includes("hello"))).toBe(true);
    expect(third.input.some((i: any) => i.type === "custom_tool_call_output" && i.call_id === "call_patch_1")).toBe(true);
    expect(shim.logs.join("\n")).not.toContain(TOKEN);
  });

  it("tells the user to run `codex login` when auth.json is missing, without retrying", async () => {
    rmSync(join(shimCodexHome, "auth.json"), { force: true });
    chatgpt.requests.length = 0;
    const before = shim.logs.length;
    // The catalog Codex was given while the user was still logged in.
    const catalog = { models: chatgptCatalogEntries({ ...shim.ctx.env, CODEX_HOME: loggedInHome() }) };
    const setup = prepareCodex({ shimUrl: shim.url, model: "gpt-5.5", catalog, retries: { request: 2, stream: 2 } });
    const run = await runCodex(setup, ["hello"]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("no ChatGPT login");
    expect(run.stdout + run.stderr).toContain("run `codex login`");
    expect(chatgpt.requests.length).toBe(0);
    // A 400 is fatal for Codex: exactly one request reached the shim.
    expect(shim.logs.slice(before).filter((l) => l.startsWith("[req]")).length).toBe(1);
  });
});
