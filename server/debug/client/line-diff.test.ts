import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diffLines, foldRows } from "./line-diff.js";

const sides = (rows: { a?: string; b?: string; ai: number; bi: number }[]) => ({
  a: rows.filter((r) => r.ai >= 0).map((r) => r.a).join("\n"),
  b: rows.filter((r) => r.bi >= 0).map((r) => r.b).join("\n"),
});

describe("line diff for the translation view", () => {
  it("keeps common lines and pairs changed runs side by side", () => {
    const rows = diffLines('{\n  "model": "m",\n  "stream": true\n}', '{\n  "model": "up",\n  "stream": true\n}');
    expect(rows.map((r: { kind: string }) => r.kind)).toEqual(["same", "changed", "same", "same"]);
    expect(rows[1]).toMatchObject({ a: '  "model": "m",', b: '  "model": "up",' });
  });

  it("rebuilds both texts from its rows, for any input (small and large)", () => {
    const line = fc.constantFrom("a", "b", "c", "{", "}", '"x": 1', "");
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.array(line, { maxLength: 60 }), (x, y) => {
        const rows = diffLines(x.join("\n"), y.join("\n"));
        expect(sides(rows)).toEqual({ a: x.join("\n"), b: y.join("\n") });
      }),
    );
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const big2 = big.map((l, i) => (i % 97 === 0 ? `${l} changed` : l));
    const rows = diffLines(big.join("\n"), big2.join("\n"));
    expect(sides(rows)).toEqual({ a: big.join("\n"), b: big2.join("\n") });
    expect(rows.filter((r) => r.kind !== "same").length).toBe(Math.ceil(3000 / 97));
  });

  it("folds long unchanged runs, keeping context around changes", () => {
    const a = Array.from({ length: 40 }, (_, i) => `l${i}`);
    const b = [...a];
    b[20] = "changed";
    const folded = foldRows(diffLines(a.join("\n"), b.join("\n")));
    const folds = folded.filter((r) => "fold" in r);
    expect(folds.map((f) => ("fold" in f ? f.fold : 0))).toEqual([17, 16]);
    expect(folded.filter((r) => !("fold" in r))).toHaveLength(7);
  });
});
