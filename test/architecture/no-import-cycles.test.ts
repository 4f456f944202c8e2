import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseCircular, parseDependencyTree, type DependencyTree } from "dpdm";

// Every module of the product, not only what the two entry points reach. Type-only imports
// count: a type cycle is still a cycle in the design.
const ROOT = resolve(import.meta.dirname, "../..");
const SOURCES = ["cli/main.ts", "server/start-server.ts", "cli/**/*.ts", "server/**/*.ts", "machines/**/*.ts", "adapters/**/*.ts"];

async function treeOf(cwd: string, entries: string[]): Promise<DependencyTree> {
  const tree = await parseDependencyTree(entries, { cwd, context: cwd, transform: false, skipDynamicImports: false, exclude: /node_modules|\.test\.ts$/ });
  // keys relative to the project, forward slashes
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [relative(cwd, resolve(cwd, k)).replaceAll("\\", "/"), v]));
}

describe("module graph", () => {
  it("the check itself finds a cycle, type-only included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dpdm-"));
    writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b.ts";\nexport type A = B | 1;\n');
    writeFileSync(join(dir, "b.ts"), 'import type { A } from "./a.ts";\nexport type B = A | 2;\n');
    const cycles = parseCircular(await treeOf(dir, ["a.ts"]));
    expect(cycles.length).toBe(1);
  });

  let tree: DependencyTree;
  beforeAll(async () => {
    tree = await treeOf(ROOT, SOURCES);
  });

  it("has no import cycle", () => {
    expect(Object.keys(tree).filter((k) => k.startsWith("adapters/")).length).toBeGreaterThan(100);
    expect(parseCircular(tree).map((c) => c.join(" → "))).toEqual([]);
  });

  it("no adapter imports a machine: the machines import the route contract, never the other way", () => {
    const offenders = Object.entries(tree)
      .filter(([file]) => file.startsWith("adapters/"))
      .flatMap(([file, deps]) => (deps ?? []).filter((d) => d.id && relative(ROOT, resolve(ROOT, d.id)).startsWith("machines/")).map((d) => `${file} → ${d.request}`));
    expect(offenders).toEqual([]);
  });
});
