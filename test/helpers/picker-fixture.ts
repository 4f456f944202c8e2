import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestShim, type TestShim } from "./start-test-shim.ts";

export const USER_CONFIG = '# my Codex settings\nmodel = "gpt-5.5"\napproval_policy = "on-request"\n\n[profiles.dev]\nmodel = "o3"\n';
export const ANTHROPIC_SECRET = "sk-ant-picker-secret-0123456789";
export const CHATGPT_SECRET = "chatgpt-access-token-picker-secret";

export interface PickerFixture {
  shim: TestShim;
  codexHome: string;
  shimHome: string;
  configFile: string;
  close(): Promise<void>;
}

/**
 * The real server with a realistic mix: a ChatGPT login (auth.json), an Anthropic row with its
 * key in the environment, a local Ollama row, and a row whose key is missing; Codex's config.toml
 * has the user's own settings. Every path is in a temp dir.
 */
export async function startPickerFixture(opts: { config?: string | null; router?: unknown } = {}): Promise<PickerFixture> {
  const root = mkdtempSync(join(tmpdir(), "codex-picker-"));
  const codexHome = join(root, "codex");
  const shimHome = join(root, "shim");
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(shimHome, { recursive: true });
  writeFileSync(join(codexHome, "auth.json"), JSON.stringify({ tokens: { access_token: CHATGPT_SECRET, account_id: "acct-1" } }));
  const configFile = join(codexHome, "config.toml");
  const config = opts.config === undefined ? USER_CONFIG : opts.config;
  if (config !== null) writeFileSync(configFile, config);
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    CODEX_HOME: codexHome,
    CODEX_SHIM_HOME: shimHome,
    CODEX_SHIM_DISABLE_CURSOR: "1",
    PICKER_ANTHROPIC_KEY: ANTHROPIC_SECRET,
  };
  const models = [
    { slug: "claude-sonnet", model: "claude-sonnet-4-5", display_name: "Claude Sonnet 4.5", provider: "anthropic", base_url: "https://api.anthropic.com/v1", api_key_env: "PICKER_ANTHROPIC_KEY", max_context_limit: 200000 },
    { slug: "qwen-coder", model: "qwen2.5-coder:7b", display_name: "Qwen 2.5 Coder 7B (local)", provider: "ollama", no_image_support: true, reasoning: false, max_context_limit: 32768 },
    { slug: "deepseek-chat", model: "deepseek-chat", display_name: "DeepSeek V3", provider: "openai", base_url: "https://api.deepseek.com/v1", api_key_env: "DEEPSEEK_API_KEY" },
  ];
  const shim = await startTestShim(opts.router ? { models, router: opts.router } : models, { env });
  return {
    shim,
    codexHome,
    shimHome,
    configFile,
    async close() {
      await shim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
