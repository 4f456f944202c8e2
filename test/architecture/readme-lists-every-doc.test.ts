import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";

const root = new URL("../../", import.meta.url);

describe("README's Documentation section", () => {
  it("lists every docs/*.md exactly once and only files that exist", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const section = readme.slice(readme.indexOf("## Documentation"));
    const listed = [...section.matchAll(/`(docs\/[\w.-]+\.md)`/g)].map((m) => m[1]);
    const present = readdirSync(new URL("docs/", root)).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
    expect([...listed].sort()).toEqual([...new Set(listed)].sort()); // no entry twice
    expect([...new Set(listed)].sort()).toEqual(present.sort());
  });
});
