import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { refreshOpencodeGo } from "./refresh-opencode-go.ts";
import { prettyOpencodeId } from "./pretty-opencode-id.ts";
import { makeCli } from "../main.ts";
import { COMMANDS } from "../commands/all-commands.ts";
import { loadSettingsFile } from "../../adapters/settings/load-settings-file.ts";

const KEY = "ocgo-test-key-123";
let server: Server;
let base: string;
const seen: { path: string; model?: string; auth?: string; xkey?: string; version?: string }[] = [];

// chat / messages status per model; "hang" never answers, "drop" cuts the connection.
const BEHAVIOUR: Record<string, { chat: number | "hang" | "drop"; messages: number | "hang" | "drop" }> = {
  "glm-5.1": { chat: 200, messages: 200 },
  "kimi-k2": { chat: 400, messages: 200 },
  "qwen3.7-max": { chat: 200, messages: 500 },
  broken: { chat: 500, messages: 404 },
  slow: { chat: "hang", messages: "hang" },
  flaky: { chat: "drop", messages: 401 },
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    const body = raw ? JSON.parse(raw) : {};
    const path = req.url ?? "";
    seen.push({ path, model: body.model, auth: req.headers.authorization, xkey: req.headers["x-api-key"] as string, version: req.headers["anthropic-version"] as string });
    if (path === "/go/v1/models") {
      if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(401).end();
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ object: "list", data: [...Object.keys(BEHAVIOUR), " ", "glm-5.1"].map((id) => ({ id })) }));
    }
    const which = path.endsWith("/chat/completions") ? "chat" : "messages";
    const b = BEHAVIOUR[body.model]?.[which] ?? 404;
    if (b === "hang") return;
    if (b === "drop") return void req.socket.destroy();
    res.writeHead(b, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/go/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function settingsFile(content: unknown, indent = 4): string {
  const f = join(mkdtempSync(join(tmpdir(), "ocgo-")), "models.json");
  writeFileSync(f, JSON.stringify(content, null, indent) + "\n");
  return f;
}

const OLD_GENERATED = { slug: "ocgo-gone", model: "gone", provider: "generic-chat-completion-api", base_url: "http://127.0.0.1:1/v1", api_key_env: "X", generated_by: "codex-shim opencode-go refresh" };
const MINE = { slug: "mine", model: "m", provider: "openai", base_url: "https://api.example.com/v1", api_key_env: "MINE_KEY" };
const ROUTER = { enabled: true, slug: "codex-auto", candidates: ["mine"] };

describe("opencode-go refresh against a loopback fake OpenCode server", () => {
  it("writes ocgo-* rows, keeps every other part of the settings file, and reports failures per model", async () => {
    const file = settingsFile({ $schema: "x", router: ROUTER, models: ["llama3", MINE, OLD_GENERATED] });
    const r = await refreshOpencodeGo({ settingsFile: file, apiKeyEnv: "OCGO_KEY", baseUrl: `${base}/`, prefer: "chat", timeoutMs: 400, env: { OCGO_KEY: ` ${KEY} ` } });
    const text = readFileSync(file, "utf8");
    const saved = JSON.parse(text);
    expect(text.startsWith('{\n    "$schema"')).toBe(true); // indentation kept
    expect(saved.router).toEqual(ROUTER);
    expect(saved.$schema).toBe("x");
    expect(saved.models.slice(0, 2)).toEqual(["llama3", MINE]);
    expect(saved.models.map((m: any) => m.slug ?? m)).toEqual(["llama3", "mine", "ocgo-glm-5-1", "ocgo-kimi-k2", "ocgo-qwen3-7-max"]);
    expect(saved.models[2]).toEqual({
      slug: "ocgo-glm-5-1",
      model: "glm-5.1",
      display_name: "OpenCode Go GLM 5.1",
      provider: "generic-chat-completion-api",
      base_url: base,
      api_key_env: "OCGO_KEY",
      no_image_support: true,
      generated_by: "codex-shim opencode-go refresh",
      opencode_go_endpoint: "chat",
    });
    expect(saved.models[3]).toMatchObject({ provider: "anthropic", opencode_go_endpoint: "messages" });
    expect(text).not.toContain(KEY);
    // The written file is a valid settings file.
    expect(loadSettingsFile(file, { required: true }).models.map((m) => m.slug)).toContain("ocgo-kimi-k2");

    const byId = Object.fromEntries(r.probes.map((p) => [p.id, p]));
    expect(byId["glm-5.1"].messages).toBeUndefined(); // one request per working model
    expect(byId.broken).toMatchObject({ chat: { status: 500 }, messages: { status: 404 } });
    expect(byId.slow.chat).toEqual({ error: "timeout after 0s" });
    expect((byId.flaky.chat as { error: string }).error).toMatch(/could not reach OpenCode Go/);
    const probe = seen.find((s) => s.path.endsWith("/messages") && s.model === "kimi-k2")!;
    expect(probe.xkey).toBe(KEY);
    expect(probe.version).toBe("2023-06-01");
  });

  it("keeps a top-level array an array, and does not replace a hand-written row with the same slug", async () => {
    const own = { slug: "ocgo-glm-5-1", model: "glm-5.1", provider: "openai", base_url: "https://x.example/v1", api_key: "k" };
    const file = settingsFile(["llama3", own], 2);
    const r = await refreshOpencodeGo({ settingsFile: file, apiKeyEnv: "K", baseUrl: base, prefer: "messages", timeoutMs: 400, env: { K: KEY } });
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(Array.isArray(saved)).toBe(true);
    expect(saved[1]).toEqual(own);
    expect(r.clashes).toEqual(["ocgo-glm-5-1"]);
    expect(saved.find((x: any) => x.slug === "ocgo-glm-5-1" && x.generated_by)).toBeUndefined();
    expect(saved.find((x: any) => x.slug === "ocgo-qwen3-7-max").opencode_go_endpoint).toBe("chat");
  });

  it("backs up a commented (JSONC) file before rewriting it", async () => {
    const file = settingsFile({});
    writeFileSync(file, '{\n  // my models\n  "models": ["llama3",],\n}\n');
    const r = await refreshOpencodeGo({ settingsFile: file, apiKeyEnv: "K", baseUrl: base, prefer: "chat", timeoutMs: 400, env: { K: KEY } });
    expect(r.backup && existsSync(r.backup)).toBeTruthy();
    expect(readFileSync(r.backup!, "utf8")).toContain("// my models");
    expect(JSON.parse(readFileSync(file, "utf8")).models[0]).toBe("llama3");
  });

  it("CLI: prints the summary and per-model failures; exits 1 with a clear message without a key or server", async () => {
    const file = settingsFile({ models: [] });
    process.env.OCGO_CLI_TEST_KEY = KEY;
    const run = async (args: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = "";
      let err = "";
      stdout.on("data", (d) => (out += d));
      stderr.on("data", (d) => (err += d));
      const code = await makeCli(COMMANDS).run(args, { stdin: process.stdin, stdout, stderr, env: process.env, colorDepth: 1 } as never);
      return { code, out, err };
    };
    try {
      let r = await run(["opencode-go", "refresh", "--settings", file, "--api-key-env", "OCGO_CLI_TEST_KEY", "--base-url", base, "--timeout", "1"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Refreshing OpenCode Go models from ${base}...`);
      expect(r.out).toContain(`Refreshed 3 OpenCode Go models into ${file}.`);
      expect(r.out).toContain("Skipped 3 models with no working probed endpoint:");
      expect(r.out).toContain("  broken: chat=500, messages=404");
      expect(r.out).toMatch(/ {2}slow: chat=timeout after 1s, messages=timeout after 1s/);
      expect(r.out).toContain("  ocgo-kimi-k2  ->  kimi-k2 (anthropic, messages)");
      r = await run(["opencode-go", "refresh", "--settings", file, "--api-key-env", "OCGO_UNSET_VAR_FOR_TEST"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("Set OCGO_UNSET_VAR_FOR_TEST before refreshing OpenCode Go models.");
      r = await run(["opencode-go", "refresh", "--settings", file, "--api-key-env", "OCGO_CLI_TEST_KEY", "--base-url", "http://127.0.0.1:9/v1", "--timeout", "2"]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/OpenCode Go \/models failed: could not reach OpenCode Go/);
    } finally {
      delete process.env.OCGO_CLI_TEST_KEY;
    }
  });

  it("pretty-prints ids", () => {
    expect(prettyOpencodeId("glm-5.1")).toBe("GLM 5.1");
    expect(prettyOpencodeId("qwen3.7-max")).toBe("Qwen3.7 Max");
    expect(prettyOpencodeId("kimi-k2")).toBe("Kimi K2");
    expect(prettyOpencodeId("deepseek-v4")).toBe("DeepSeek V4");
    expect(prettyOpencodeId("minimax-m2.5")).toBe("MiniMax M2.5");
  });
});
