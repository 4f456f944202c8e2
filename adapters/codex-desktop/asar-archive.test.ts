import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { getRawHeader } from "@electron/asar";
import { buildSyntheticCodexApp, type SyntheticApp } from "../../test/helpers/synthetic-codex-app.ts";
import { asarHeaderHash, readAsarFile, readAsarIndex, repackAsar } from "./asar-archive.ts";

let a: SyntheticApp;
afterEach(() => a?.close());

describe("asar archive", () => {
  it("repacking with no change gives back the same bytes (entries, order, unpacked files, links, executable bits)", async () => {
    a = await buildSyntheticCodexApp();
    const idx = readAsarIndex(a.asarPath);
    expect(idx.entries.find((e) => e.path === "node_modules/native/build/addon.node")).toMatchObject({ kind: "file", unpacked: true });
    expect(idx.entries.find((e) => e.path === ".vite/index-link.html")).toMatchObject({ kind: "link", link: "webview/index.html" });
    expect(idx.entries.find((e) => e.path === ".vite/build/main.js")).toMatchObject({ executable: true });
    const copy = `${a.asarPath}.copy`;
    await repackAsar(idx, copy, new Map());
    expect(readFileSync(copy).equals(readFileSync(a.asarPath))).toBe(true);
    expect(existsSync(`${copy}.unpacked`)).toBe(false);
  });

  it("replaces one file, and the header hash is the sha256 of the header JSON Electron checks", async () => {
    a = await buildSyntheticCodexApp();
    const idx = readAsarIndex(a.asarPath);
    const out = `${a.asarPath}.new`;
    await repackAsar(idx, out, new Map([["webview/index.html", Buffer.from("<p>new</p>")]]));
    const next = readAsarIndex(out);
    expect(readAsarFile(next, next.entries.find((e) => e.path === "webview/index.html")!).toString()).toBe("<p>new</p>");
    expect(readAsarFile(next, next.entries.find((e) => e.path === "package.json")!).equals(readAsarFile(idx, idx.entries.find((e) => e.path === "package.json")!))).toBe(true);
    expect(asarHeaderHash(out)).toBe(createHash("sha256").update(getRawHeader(out).headerString).digest("hex"));
    expect(asarHeaderHash(out)).not.toBe(asarHeaderHash(a.asarPath));
    await expect(repackAsar(idx, `${out}2`, new Map([["nope.js", Buffer.from("")]]))).rejects.toThrow("nope.js is not a file in");
  });

  it("rejects a damaged archive without trusting its length fields", async () => {
    a = await buildSyntheticCodexApp();
    const b = readFileSync(a.asarPath);
    b.writeUInt32LE(0x7fffffff, 4);
    writeFileSync(a.asarPath, b);
    expect(() => readAsarIndex(a.asarPath)).toThrow("is not an asar archive (its header is missing or damaged).");
    writeFileSync(a.asarPath, "");
    expect(() => asarHeaderHash(a.asarPath)).toThrow("is not an asar archive");
  });
});
