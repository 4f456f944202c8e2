import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shimProviderTable } from "../../adapters/codex-config/provider-values.ts";
import { parseSettings } from "../../adapters/settings/parse-settings.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { upgradeStatus } from "../helpers/responses-socket-client.ts";
import { writeGeneratedFiles } from "../../adapters/codex-catalog/write-generated-files.ts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";

/**
 * Pitfall 13: WebSockets. Codex in WebSocket mode is stateful (`previous_response_id` + only the
 * new items), so a shim that upgrades must keep each connection's conversation and rebuild it for
 * the stateless upstream (test/integration/responses-websocket.test.ts, the real-Codex e2e in
 * test/e2e/codex-websocket.e2e.test.ts). codex-shim does, so it turns the mode on in the provider
 * it writes; `"websockets": false` turns it off in the config and answers the upgrade with 426,
 * which sends Codex to HTTP at once (never a hang).
 */
describe("pitfall 13: websockets", () => {
  it("the provider config codex-shim writes says supports_websockets = true, or false when turned off", () => {
    expect(shimProviderTable(8765)).toMatchObject({ wire_api: "responses", supports_websockets: true });
    expect(shimProviderTable(8765, { websockets: false }).supports_websockets).toBe(false);
  });

  it("the generated config follows the setting", () => {
    const models = parseSettings({ models: [{ model: "m", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x" }] }, null);
    const on = writeGeneratedFiles({ stateDir: mkdtempSync(`${tmpdir()}/ws-gen-`), settings: models, port: 8765, env: {} });
    expect(readFileSync(on.configPath, "utf8")).toContain("supports_websockets = true");
    const off = writeGeneratedFiles({ stateDir: mkdtempSync(`${tmpdir()}/ws-gen-`), settings: { ...models, websockets: false }, port: 8765, env: {} });
    expect(readFileSync(off.configPath, "utf8")).toContain("supports_websockets = false");
  });

  it("a wrong websockets value names the field and what was expected", () => {
    expect(() => parseSettings({ models: [], websockets: "off" }, "/x/models.json")).toThrow('/x/models.json: websockets: expected true or false (WebSocket mode for Codex; default true), got "off"');
    expect(parseSettings({ models: [], websockets: false }, null).websockets).toBe(false);
    expect(parseSettings({ models: [] }, null).websockets).toBeUndefined();
  });

  let on: TestShim;
  let off: TestShim;
  const row = { model: "x", slug: "m", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x-0123456789" };
  beforeAll(async () => {
    on = await startTestShim([row]);
    off = await startTestShim({ models: [row], websockets: false });
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  const upgrade = (shim: TestShim) => upgradeStatus(shim.port, { "openai-beta": "responses_websockets=2026-02-06" });

  it("upgrades GET /v1/responses; with websockets off it answers 426 at once (Codex falls back to HTTP)", async () => {
    expect(await upgrade(on)).toBe(101);
    expect(await upgrade(off)).toBe(426);
  });

  it("a plain GET /v1/responses (no upgrade) is 426 Upgrade Required, not a hang", async () => {
    const res = await fetch(`${on.url}/v1/responses`);
    expect(res.status).toBe(426);
  });
});
