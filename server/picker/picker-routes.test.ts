import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { H3 } from "h3";
import { ANTHROPIC_SECRET, CHATGPT_SECRET, startPickerFixture, USER_CONFIG, type PickerFixture } from "../../test/helpers/picker-fixture.ts";
import { planConfigEdit } from "../../machines/config.machine.ts";
import { registerPickerRoutes, tokenMatches, PICKER_TOKEN_HEADER } from "./picker-routes.ts";
import { scriptString } from "./picker-page.ts";
import { serialized } from "./switch-model.ts";

let f: PickerFixture;
let token: string;

async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(`${url}/picker`)).text();
  return JSON.parse(/const PICKER_TOKEN = ("[^"]+");/.exec(html)![1]);
}

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${f.shim.url}/api/switch`, {
    method: "POST",
    headers: { "content-type": "application/json", [PICKER_TOKEN_HEADER]: token, origin: f.shim.url, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const config = () => readFileSync(f.configFile, "utf8");

beforeEach(async () => {
  f = await startPickerFixture();
  token = await pageToken(f.shim.url);
});
afterEach(() => f.close());

describe("GET /picker", () => {
  it("is one self-contained page: CSP forbids any other source, no framing, the token JSON-escaped inside", async () => {
    const res = await fetch(`${f.shim.url}/picker`);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(html).toContain("<title>Codex Shim - Model Picker</title>");
    expect(html).toContain("Your choice is written to <code>~/codex/config.toml</code>"); // CODEX_HOME under HOME
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(html).not.toContain(ANTHROPIC_SECRET);
    // a fresh nonce per response, the same token for the process
    const again = await fetch(`${f.shim.url}/picker`);
    expect(again.headers.get("content-security-policy")).not.toBe(csp);
    expect(await pageToken(f.shim.url)).toBe(token);
  });

  it("is not served to a rebound DNS name (the token would leak to that site)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${f.shim.url}/picker`, { headers: { host: "attacker.example:8765" } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("scriptString cannot close the script element", () => {
    expect(scriptString("</script><b>")).toBe('"\\u003c/script>\\u003cb>"');
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abd", "abc")).toBe(false);
    expect(tokenMatches("", "abc")).toBe(false);
    expect(tokenMatches(null, "abc")).toBe(false);
  });
});

describe("GET /api/models", () => {
  it("needs the token and lists usable models first, then the ones missing a key with the fix, never a secret", async () => {
    expect((await fetch(`${f.shim.url}/api/models`)).status).toBe(403);
    expect((await fetch(`${f.shim.url}/api/models`, { headers: { [PICKER_TOKEN_HEADER]: "nope" } })).status).toBe(403);
    const res = await fetch(`${f.shim.url}/api/models`, { headers: { [PICKER_TOKEN_HEADER]: token } });
    const text = await res.text();
    expect(text).not.toContain(ANTHROPIC_SECRET);
    expect(text).not.toContain(CHATGPT_SECRET);
    const models = JSON.parse(text);
    expect(models.map((m: { slug: string; provider: string; usable: boolean }) => `${m.slug}:${m.provider}:${m.usable}`)).toEqual([
      "gpt-5.5:chatgpt:true",
      "claude-sonnet:anthropic:true",
      "qwen-coder:generic-chat-completion-api:true",
      "deepseek-chat:openai:false",
    ]);
    expect(models[3].reason).toBe("Model deepseek-chat has no API key: DEEPSEEK_API_KEY is not set. Set DEEPSEEK_API_KEY or add api_key/apiKey for this model.");
    expect(models[1]).toMatchObject({ display_name: "Claude Sonnet 4.5", context_window: 200000, images: true, active: false });
    expect(models[2]).toMatchObject({ images: false, reasoning_levels: [] });
  });
});

describe("with the auto-router active", () => {
  it("lists its entry first (provider auto) and a switch to it writes its display name", async () => {
    const g = await startPickerFixture({ router: { enabled: true, classifier: "heuristic", candidates: [{ slug: "qwen-coder", cost: 0 }, { slug: "claude-sonnet", cost: 3, supports_images: true }] } });
    try {
      const t = await pageToken(g.shim.url);
      const models = await (await fetch(`${g.shim.url}/api/models`, { headers: { [PICKER_TOKEN_HEADER]: t } })).json();
      expect(models[0]).toMatchObject({ slug: "codex-auto", provider: "auto", usable: true });
      expect(models.map((m: { slug: string }) => m.slug)).toEqual(["codex-auto", "gpt-5.5", "claude-sonnet", "qwen-coder", "deepseek-chat"]);
      const res = await fetch(`${g.shim.url}/api/switch`, { method: "POST", headers: { "content-type": "application/json", [PICKER_TOKEN_HEADER]: t }, body: JSON.stringify({ slug: "codex-auto" }) });
      expect(res.status).toBe(200);
      const text = readFileSync(g.configFile, "utf8");
      expect(text).toMatch(/^model = "codex-auto"$/m);
      expect(text).toMatch(new RegExp(`^name = "${models[0].display_name.replace(/[()]/g, "\\$&")}"$`, "m"));
    } finally {
      await g.close();
    }
  });
});

describe("POST /api/switch", () => {
  it("refuses without the right token, from another origin or port, and non-JSON bodies; config.toml stays as it was", async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ [PICKER_TOKEN_HEADER]: "" }, 403, /^\{"error":"forbidden"\}$/],
      [{ [PICKER_TOKEN_HEADER]: `${token}x` }, 403, /forbidden/],
      [{ origin: "https://evil.example" }, 403, /cross-site request from https:\/\/evil\.example/],
      [{ origin: "http://127.0.0.1:1" }, 403, /forbidden: request from http:\/\/127\.0\.0\.1:1/],
      [{ "sec-fetch-site": "same-site" }, 403, /forbidden: same-site request/],
      [{ "content-type": "text/plain" }, 415, /Unsupported Media Type/],
    ];
    for (const [headers, status, body] of cases) {
      const res = await post({ slug: "claude-sonnet" }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(await res.text()).toMatch(body);
    }
    expect(config()).toBe(USER_CONFIG);
  });

  it("answers bad input with the exact problem", async () => {
    const cases: [unknown, number, string][] = [
      ["{not json", 400, "Request body is not valid JSON"],
      ["[1]", 400, "Request body must be a JSON object."],
      [{}, 400, "slug is required"],
      [{ slug: "  " }, 400, "slug is required"],
      [{ slug: "claude-sonnet", restart_codex: "yes" }, 400, "restart_codex must be true or false"],
      [{ slug: "gpt-4o" }, 404, "unknown model: gpt-4o. Usable models: gpt-5.5, claude-sonnet, qwen-coder"],
      [{ slug: "deepseek-chat" }, 409, "Set DEEPSEEK_API_KEY"],
    ];
    for (const [body, status, error] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()).error).toContain(error);
    }
    expect(config()).toBe(USER_CONFIG);
  });

  it("writes the model and its display name through the config machine: backed up, idempotent, `disable` restores the bytes", async () => {
    const res = await post({ slug: "claude-sonnet" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, model: "claude-sonnet", display_name: "Claude Sonnet 4.5", outcome: "written", restarted: false });
    expect(readFileSync(body.backup, "utf8")).toBe(USER_CONFIG);
    const text = config();
    expect(text).toMatch(/^model = "claude-sonnet"$/m);
    expect(text).toMatch(/^name = "Claude Sonnet 4\.5"$/m);
    expect(text).toContain(`model_catalog_json = ${JSON.stringify(`${f.shimHome}/custom_model_catalog.json`)}`);
    const catalog = JSON.parse(readFileSync(`${f.shimHome}/custom_model_catalog.json`, "utf8"));
    expect(catalog.models.map((m: { slug: string }) => m.slug)).toContain("claude-sonnet");
    expect(JSON.stringify(catalog)).not.toContain(ANTHROPIC_SECRET);
    expect(f.shim.logs).toContain("[picker] active model -> claude-sonnet (Claude Sonnet 4.5)");

    const models = await (await fetch(`${f.shim.url}/api/models`, { headers: { [PICKER_TOKEN_HEADER]: token } })).json();
    expect(models.filter((m: { active: boolean }) => m.active).map((m: { slug: string }) => m.slug)).toEqual(["claude-sonnet"]);

    expect((await (await post({ slug: "claude-sonnet" })).json()).outcome).toBe("unchanged");
    expect((await post({ slug: "gpt-5.5" })).status).toBe(200);
    expect(config()).toMatch(/^name = "GPT-5\.5"$/m);
    expect(planConfigEdit(config(), { kind: "disable" }, f.configFile).next).toBe(USER_CONFIG);
  });

  it("says on Linux that there is no Desktop to restart", async () => {
    const body = await (await post({ slug: "qwen-coder", restart_codex: true })).json();
    expect(body.restarted).toBe(false);
    expect(body.restart_note).toMatch(/no Codex Desktop on this system/);
  });

  it("leaves a config.toml that does not parse untouched and returns the machine's error", async () => {
    writeFileSync(f.configFile, 'model = "a\n');
    const res = await post({ slug: "claude-sonnet" });
    expect(res.status).toBe(500);
    expect((await res.json()).error).toContain(`${f.configFile} is not valid TOML, so codex-shim left it untouched.`);
    expect(config()).toBe('model = "a\n');
  });

  it("creates a missing config.toml (which `disable` deletes again) and runs concurrent switches one after another", async () => {
    const { rmSync } = await import("node:fs");
    rmSync(f.configFile);
    const answers = await Promise.all(["claude-sonnet", "qwen-coder", "gpt-5.5", "claude-sonnet"].map((slug) => post({ slug })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const text = config();
    expect(text).toMatch(/^model = "claude-sonnet"$/m);
    expect(text.match(/codex-shim managed \(top\) >>>/g)).toHaveLength(1);
    expect(planConfigEdit(text, { kind: "disable" }, f.configFile).next).toBeNull();
    expect(existsSync(f.configFile)).toBe(true);
  });

  it("serialized() runs calls one at a time, in order, and a failure does not block the next", async () => {
    const log: string[] = [];
    const run = serialized(async (n: number, ms: number) => {
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${n}`);
      if (n === 2) throw new Error("boom");
      return n;
    });
    const r = await Promise.allSettled([run(1, 30), run(2, 1), run(3, 1)]);
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
    expect(r.map((x) => x.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("restarts Codex Desktop when asked and reports the outcome", async () => {
    const app = new H3();
    let restarts = 0;
    registerPickerRoutes(app, f.shim.ctx, { token: "t0k", platform: "darwin", restart: async () => (restarts++, { restarted: true, note: "Codex Desktop was restarted." }) });
    const res = await app.request("http://127.0.0.1/api/switch", { method: "POST", headers: { "content-type": "application/json", [PICKER_TOKEN_HEADER]: "t0k" }, body: JSON.stringify({ slug: "claude-sonnet", restart_codex: true }) });
    expect(await res.json()).toMatchObject({ ok: true, restarted: true, restart_note: "Codex Desktop was restarted.", platform: "darwin" });
    expect(restarts).toBe(1);
    await app.request("http://127.0.0.1/api/switch", { method: "POST", headers: { "content-type": "application/json", [PICKER_TOKEN_HEADER]: "t0k" }, body: JSON.stringify({ slug: "qwen-coder" }) });
    expect(restarts).toBe(1);
  });
});
