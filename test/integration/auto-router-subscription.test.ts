import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { httpErrorStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startMockMultiModelUpstream, type MockUpstream } from "../../cli/router-demo/mock-multi-model-upstream.ts";

// "Use my ChatGPT subscription first, spill to BYOK when it is exhausted."
let chatgpt: ScriptedUpstream;
let byok: MockUpstream;
let shim: TestShim;
const TOKEN = "chatgpt-subscription-test-token-not-real-0000";
beforeAll(async () => {
  chatgpt = await startScriptedUpstream([httpErrorStep(429, { error: { type: "usage_limit_reached", message: "The usage limit has been reached", resets_in_seconds: 1800 } })]);
  byok = await startMockMultiModelUpstream();
  const codexHome = mkdtempSync(join(tmpdir(), "router-sub-"));
  writeFileSync(join(codexHome, "auth.json"), JSON.stringify({ tokens: { access_token: TOKEN, account_id: "acct-1" } }));
  shim = await startTestShim(
    {
      models: [{ model: "mid-model", slug: "mid", provider: "openai", base_url: `${byok.url}/v1`, api_key: "sk-byok-key-000000" }],
      router: { enabled: true, classifier: "heuristic", candidates: [{ slug: "gpt-5.5", cost: 0, supports_images: true }, { slug: "mid", cost: 1 }] },
    },
    { env: { CODEX_HOME: codexHome, CODEX_SHIM_CHATGPT_BASE_URL: `${chatgpt.url}/backend-api/codex`, CODEX_SHIM_DISABLE_CURSOR: "1" } },
  );
});
afterAll(async () => {
  await shim.close();
  await chatgpt.close();
  await byok.close();
});

describe("auto-router with a ChatGPT-subscription candidate", () => {
  it("tries the subscription first, spills to BYOK on its usage limit, and skips it until the reset", async () => {
    const meta = (turn: string) => ({ "x-codex-turn-metadata": JSON.stringify({ thread_id: "sub", turn_id: turn, request_kind: "turn" }) });
    const r = await postResponses(shim, { model: "codex-auto", input: "say hi" }, meta("1"));
    expect(r.status).toBe(200);
    expect((await r.json()).output[0].content[0].text).toBe("answered by mid-model");
    expect(chatgpt.requests).toHaveLength(1);
    expect(chatgpt.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    const [cool] = shim.ctx.router!.coolingDown();
    expect(cool.slug).toBe("gpt-5.5");
    expect(cool.seconds).toBeGreaterThan(1790);
    await postResponses(shim, { model: "codex-auto", input: "say hello" }, meta("2"));
    expect(chatgpt.requests).toHaveLength(1);
    expect(byok.hits.map((h) => h.model)).toEqual(["mid-model", "mid-model"]);
    expect(shim.logs.join("\n")).not.toContain(TOKEN);
    expect(shim.logs.some((l) => /gpt-5\.5 out of quota \(skipped for 1800s\) -> spilling to mid/.test(l))).toBe(true);
  });
});
