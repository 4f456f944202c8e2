import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";

// README "Wiring Codex by hand": the provider's model_catalog_url points at /v1/models, no
// model_catalog_json. Codex must load our catalog from there (codex-protocol §8.1). Measured:
// Codex 0.169 only fetches the remote catalog for a provider with credentials, hence the
// (ignored) experimental_bearer_token; without one it silently uses fallback metadata.
let up: ScriptedUpstream;
let shim: TestShim;
beforeAll(async () => {
  up = await startScriptedUpstream([chatTextStep("catalog loaded")]);
  shim = await startTestShim([{ model: "up-model", slug: "url-model", display_name: "URL Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-url", max_context_limit: 64000 }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

describe("Codex with model_catalog_url = the shim's /v1/models", () => {
  it("loads the catalog from the shim: no fallback metadata, our prompt, freeform apply_patch", async () => {
    const setup = prepareCodex({ shimUrl: shim.url, model: "url-model", extraConfig: `model_catalog_url = "${shim.url}/v1/models"\nexperimental_bearer_token = "codex-shim"\n` });
    const run = await runCodex(setup, ["hi"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("catalog loaded");
    expect(run.stdout + run.stderr).not.toContain("fallback metadata"); // Codex reports it as an "error" item on stdout
    const sent = up.requests.at(-1)!.body;
    // base_instructions of our catalog entry became the system prompt
    expect(sent.messages[0].role).toBe("system");
    expect(sent.messages[0].content).toContain("powered by URL Model through the codex-shim local gateway");
    // apply_patch is only offered by Codex when the catalog says freeform
    expect(sent.tools.map((t: { function: { name: string } }) => t.function.name)).toContain("apply_patch");
  });
});
