import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { runCodex } from "../helpers/run-codex.ts";
import { removeManagedConfig } from "../../adapters/codex-config/managed-config.ts";

const USER_CONFIG = ['approval_policy = "never"', 'sandbox_mode = "danger-full-access"', 'web_search = "disabled"', "", "[features]", "goals = false", "", "[agents]", "enabled = false", ""].join("\n");

let up: ScriptedUpstream;
let shim: TestShim;
let root: string;
let codexHome: string;
let token: string;

beforeAll(async () => {
  up = await startScriptedUpstream([chatTextStep("Answer from B."), chatTextStep("Answer from A.")]);
  root = mkdtempSync(join(tmpdir(), "codex-picker-e2e-"));
  codexHome = join(root, "codex");
  mkdirSync(join(root, "work"), { recursive: true });
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, "config.toml"), USER_CONFIG);
  const row = (slug: string, model: string, name: string) => ({ slug, model, display_name: name, provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-picker-e2e" });
  shim = await startTestShim([row("model-a", "up-a", "Model A"), row("model-b", "up-b", "Model B")], {
    env: { PATH: process.env.PATH, HOME: root, CODEX_HOME: codexHome, CODEX_SHIM_HOME: join(root, "shim"), CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" },
  });
  const html = await (await fetch(`${shim.url}/picker`)).text();
  token = JSON.parse(/const PICKER_TOKEN = ("[^"]+");/.exec(html)![1]);
});

afterAll(async () => {
  await shim?.close();
  await up?.close();
  rmSync(root, { recursive: true, force: true });
});

async function pick(slug: string): Promise<void> {
  const res = await fetch(`${shim.url}/api/switch`, { method: "POST", headers: { "content-type": "application/json", "X-Codex-Shim-Picker-Token": token, origin: shim.url }, body: JSON.stringify({ slug }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("a picker switch is what the real Codex CLI then uses", () => {
  it("switch to B → `codex exec --strict-config` calls B; switch to A → it calls A; the user's config survives", async () => {
    const setup = { codexHome, workdir: join(root, "work"), home: root };
    await pick("model-b");
    const b = await runCodex(setup, ["--strict-config", "say hi"], { timeoutMs: 120_000 });
    expect(b.code, b.stderr).toBe(0);
    expect(b.lastMessage).toBe("Answer from B.");
    expect(b.stdout + b.stderr).not.toContain("fallback metadata");
    expect(up.requests.at(-1)!.body.model).toBe("up-b");

    await pick("model-a");
    const a = await runCodex(setup, ["--strict-config", "say hi"], { timeoutMs: 120_000 });
    expect(a.code, a.stderr).toBe(0);
    expect(a.lastMessage).toBe("Answer from A.");
    expect(up.requests.at(-1)!.body.model).toBe("up-a");
    expect(removeManagedConfig(readFileSync(join(codexHome, "config.toml"), "utf8"))).toBe(USER_CONFIG);
  });
});
