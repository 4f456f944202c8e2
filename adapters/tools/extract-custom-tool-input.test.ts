import { describe, expect, it } from "vitest";
import { extractCustomToolInput, extractCustomToolInputFromObject } from "./extract-custom-tool-input.ts";

const P = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch";

describe("extractCustomToolInput", () => {
  it.each([
    ["raw", P],
    ["{input}", JSON.stringify({ input: P })],
    ["{patch}", JSON.stringify({ patch: P })],
    ["{other single string}", JSON.stringify({ diff: P })],
    ["JSON string literal", JSON.stringify(P)],
    ["fenced", "```\n" + P + "\n```"],
    ["fenced in {input}", JSON.stringify({ input: "```patch\n" + P + "\n```" })],
    ["heredoc", `apply_patch <<'EOF'\n${P}\nEOF`],
    ["heredoc in {input}", JSON.stringify({ input: `apply_patch <<"PATCH"\n${P}\nPATCH` })],
  ])("%s", (_n, args) => {
    expect(extractCustomToolInput(args)).toBe(P);
  });

  it("keeps text that only looks like JSON", () => {
    expect(extractCustomToolInput("{not json")).toBe("{not json");
  });

  it("accepts an already-parsed object (Anthropic tool_use.input)", () => {
    expect(extractCustomToolInputFromObject({ input: P })).toBe(P);
  });
});
