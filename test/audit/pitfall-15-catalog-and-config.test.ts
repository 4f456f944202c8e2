import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { shimProviderTable } from "../../adapters/codex-config/provider-values.ts";
import { auditModel } from "./audit-harness.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";

/**
 * Pitfall 15: Codex config and catalog churn. CLI territory, checked here only where it decides
 * whether translation works at all: apply_patch must be advertised as freeform (else Codex never
 * sends the custom tool), modalities per model, a context window so Codex compacts in time, and
 * /v1/models in both the OpenAI (`data`) and Codex (`models`) shapes.
 */
describe("pitfall 15: catalog and provider config", () => {
  it("catalog entries advertise freeform apply_patch, modalities, context window and compaction limit", () => {
    const vision = buildCatalogEntry(auditModel("anthropic", { maxContextLimit: 200_000 }));
    expect(vision).toMatchObject({ apply_patch_tool_type: "freeform", input_modalities: ["text", "image"], context_window: 200_000, supports_search_tool: false });
    expect(vision.auto_compact_token_limit).toBeLessThan(vision.context_window);
    const textOnly = buildCatalogEntry(auditModel("chat", { noImageSupport: true }));
    expect(textOnly.input_modalities).toEqual(["text"]);
  });

  it("the provider block keeps Codex on the Responses wire (WebSocket mode on) with a long idle timeout", () => {
    expect(shimProviderTable(8765)).toMatchObject({ wire_api: "responses", supports_websockets: true, base_url: "http://127.0.0.1:8765/v1" });
    expect(shimProviderTable(8765).stream_idle_timeout_ms).toBeGreaterThanOrEqual(300_000);
  });

  let shim: TestShim;
  beforeAll(async () => {
    shim = await startTestShim([{ model: "deepseek-chat", slug: "ds", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-ds-0123456789", no_image_support: true }], {
      env: { PATH: process.env.PATH, HOME: "/nonexistent-audit-home", CODEX_HOME: "/nonexistent-audit-home/.codex" },
    });
  });
  afterAll(async () => shim.close());

  it("/v1/models serves both shapes, and never leaks the key", async () => {
    const res = await fetch(`${shim.url}/v1/models`);
    const raw = await res.text();
    const body = JSON.parse(raw);
    expect(body.data.find((m: any) => m.id === "ds")).toMatchObject({ object: "model" });
    expect(body.models.find((m: any) => m.slug === "ds")).toMatchObject({ apply_patch_tool_type: "freeform", input_modalities: ["text"] });
    expect(raw).not.toContain("sk-ds-0123456789");
  });
});
