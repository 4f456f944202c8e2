import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StatCachedFile, type FileRead } from "./stat-cached-file.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { cachedChatgptModels, chatgptSlugs, chatgptUpstreamModel } from "./chatgpt-slugs.ts";

const dir = mkdtempSync(join(tmpdir(), "stat-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("StatCachedFile", () => {
  let n = 0;
  let file: string;
  beforeEach(() => {
    file = join(dir, `f${n++}.txt`);
  });

  function counting() {
    const seen: FileRead[] = [];
    const cache = new StatCachedFile((r: FileRead) => {
      seen.push(r);
      return r.ok ? r.text : r.missing ? "<missing>" : "<unreadable>";
    });
    return { cache, seen };
  }

  it("parses once while the file is unchanged", () => {
    writeFileSync(file, "one");
    const { cache, seen } = counting();
    for (let i = 0; i < 5; i++) expect(cache.get(file)).toBe("one");
    expect(seen).toHaveLength(1);
  });

  it("re-parses after a rewrite, an atomic replace, a same-size edit and a removal", () => {
    writeFileSync(file, "one");
    const { cache, seen } = counting();
    expect(cache.get(file)).toBe("one");

    writeFileSync(file, "three");
    expect(cache.get(file)).toBe("three");

    // Same size, mtime forced to a different second: still seen.
    writeFileSync(file, "THREE");
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    expect(cache.get(file)).toBe("THREE");

    // Editors and `codex login` may write a temp file and rename it over the old one.
    writeFileSync(`${file}.tmp`, "fresh");
    renameSync(`${file}.tmp`, file);
    expect(cache.get(file)).toBe("fresh");

    rmSync(file);
    expect(cache.get(file)).toBe("<missing>");
    expect(cache.get(file)).toBe("<missing>");
    writeFileSync(file, "back");
    expect(cache.get(file)).toBe("back");
    expect(seen.map((r) => (r.ok ? r.text : "-"))).toEqual(["one", "three", "THREE", "fresh", "-", "back"]);
  });

  it("keeps one entry per path", () => {
    const other = join(dir, "other.txt");
    writeFileSync(file, "a");
    writeFileSync(other, "b");
    const { cache, seen } = counting();
    expect([cache.get(file), cache.get(other), cache.get(file), cache.get(other)]).toEqual(["a", "b", "a", "b"]);
    expect(seen).toHaveLength(2);
  });
});

describe("Codex files read through the cache", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;
  beforeEach(() => {
    home = join(dir, `home${n++}`);
    env = { CODEX_HOME: home };
  });
  afterEach(() => vi.restoreAllMocks());

  it("auth.json: an unchanged file is not re-parsed, a new login is picked up, the token never in a reason", () => {
    expect(readCodexAuth(env)).toEqual({ ok: false, reason: `${join(home, "auth.json")} not found` });
    mkdirSync(home);
    writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: "tok-a" } }));
    const parse = vi.spyOn(JSON, "parse");
    expect(readCodexAuth(env)).toEqual({ ok: true, accessToken: "tok-a" });
    for (let i = 0; i < 10; i++) readCodexAuth(env);
    expect(parse).toHaveBeenCalledTimes(1);

    writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: "tok-bb", account_id: "acc" } }));
    expect(readCodexAuth(env)).toEqual({ ok: true, accessToken: "tok-bb", accountId: "acc" });
    readCodexAuth(env);
    expect(parse).toHaveBeenCalledTimes(2);

    writeFileSync(join(home, "auth.json"), "{not json tok-bb");
    const bad = readCodexAuth(env);
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain("tok-");
  });

  it("models_cache.json: slugs follow the file, unchanged means no re-parse", () => {
    mkdirSync(home);
    const write = (slugs: string[]) => writeFileSync(join(home, "models_cache.json"), JSON.stringify({ models: slugs.map((slug) => ({ slug, visibility: "list" })) }));
    write(["gpt-5.4", "o3"]);
    const parse = vi.spyOn(JSON, "parse");
    expect(chatgptSlugs(env)).toEqual(["gpt-5.5", "gpt-5.4"]);
    expect(chatgptUpstreamModel("gpt-5.4", env)).toBe("gpt-5.4");
    expect(chatgptUpstreamModel("byok-model", env)).toBeUndefined();
    expect(cachedChatgptModels(env).map((m) => m.slug)).toEqual(["gpt-5.4"]);
    expect(parse).toHaveBeenCalledTimes(1);

    write(["gpt-5.4", "gpt-5.3-codex"]);
    expect(chatgptUpstreamModel("gpt-5.3-codex", env)).toBe("gpt-5.3-codex");
    expect(chatgptSlugs(env)).toEqual(["gpt-5.5", "gpt-5.4", "gpt-5.3-codex"]);
    expect(parse).toHaveBeenCalledTimes(2);

    rmSync(join(home, "models_cache.json"));
    expect(chatgptSlugs(env)).toEqual(["gpt-5.5"]);
    expect(chatgptUpstreamModel("gpt-5.4", env)).toBeUndefined();
  });
});
