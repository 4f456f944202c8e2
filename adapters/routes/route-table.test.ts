import { describe, expect, it } from "vitest";
import { PROVIDER_ROUTES, SLUG_PASSTHROUGHS, routeFor } from "./route-table.ts";
import { selectRoute } from "./select-route.ts";
import { PROVIDERS } from "../settings/settings-types.ts";
import { parseSettings } from "../settings/parse-settings.ts";
import { ShimError } from "../errors/shim-error.ts";
import { chatgptPassthroughRoute } from "../chatgpt/chatgpt-passthrough-route.ts";
import { cursorRoute } from "../cursor/cursor-route.ts";

describe("the endpoint × provider table", () => {
  it("serves /v1/responses for every provider, and /v1/messages translated (chat) or relayed (anthropic)", () => {
    for (const p of PROVIDERS) expect(PROVIDER_ROUTES[p].responses, p).toBeDefined();
    expect([routeFor("responses", "openai")?.kind, routeFor("responses", "generic-chat-completion-api")?.kind, routeFor("responses", "anthropic")?.kind]).toEqual(["chat", "chat", "anthropic"]);
    expect(routeFor("responses", "openai-responses")?.kind).toBe("responses");
    expect(routeFor("messages", "openai-responses")).toBeUndefined();
    expect([routeFor("messages", "openai")?.kind, routeFor("messages", "generic-chat-completion-api")?.kind, routeFor("messages", "anthropic")?.kind]).toEqual(["messages-chat", "messages-chat", "messages-anthropic"]);
  });

  it("only the routes that build the request body strip rejected parameters", () => {
    const wires = Object.fromEntries(
      [...Object.values(PROVIDER_ROUTES).flatMap((r) => Object.values(r)), chatgptPassthroughRoute({}), cursorRoute({})].map((r) => [r.kind, r.paramWire ?? null]),
    );
    // the native Responses route builds its (sanitized) body too, so it learns rejected fields on its own wire
    expect(wires).toEqual({ chat: "chat", "messages-chat": "chat", anthropic: "anthropic", "messages-anthropic": null, responses: "responses", chatgpt: null, cursor: null });
  });

  it("slug passthroughs are offered on /v1/responses only, before the settings rows", () => {
    expect(SLUG_PASSTHROUGHS.map((p) => [p.name, p.endpoints])).toEqual([
      ["ChatGPT subscription", ["responses"]],
      ["Cursor cursor-agent", ["responses"]],
    ]);
    const settings = parseSettings({ models: [{ model: "up", slug: "composer-2-5", provider: "openai", base_url: "http://127.0.0.1:1/v1", api_key: "k" }] }, null);
    const pick = (endpoint: "responses" | "messages") => selectRoute({ endpoint, slug: "composer-2-5", request: { model: "composer-2-5" }, settings, env: {}, forwardHeaders: {} });
    expect((pick("responses") as { route: { kind: string } }).route.kind).toBe("cursor");
    expect((pick("messages") as { route: { kind: string } }).route.kind).toBe("messages-chat");
  });

  it("selectRoute: unknown slug 404 naming the configured ones, missing key 401", () => {
    const settings = parseSettings({ models: [{ model: "up", slug: "m", provider: "openai", base_url: "https://api.example.com/v1", api_key_env: "NO_SUCH_KEY_VAR" }] }, null);
    const unknown = selectRoute({ endpoint: "responses", slug: "x", request: { model: "x" }, settings, env: { CODEX_SHIM_DISABLE_CHATGPT: "1" }, forwardHeaders: {} }) as ShimError;
    expect([unknown.status, unknown.code]).toEqual([404, "model_not_found"]);
    expect(unknown.message).toContain("Configured models: m");
    const keyless = selectRoute({ endpoint: "responses", slug: "m", request: { model: "m" }, settings, env: {}, forwardHeaders: {} }) as ShimError;
    expect([keyless.status, keyless.code]).toEqual([401, "missing_api_key"]);
  });
});

describe("selectRoute with no models", () => {
  it("names the settings file the shim looked for, not a fixed default", () => {
    const err = selectRoute({ endpoint: "responses", slug: "x", request: { model: "x" }, settings: { file: null, models: [], missingFile: "/tmp/custom/models.json" }, env: { CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" }, forwardHeaders: {} }) as ShimError;
    expect(err.message).toContain("add one to /tmp/custom/models.json");
  });
});
