import { describe, expect, it } from "vitest";
import { releaseBodyChunksAsWritten } from "./release-body-chunks-as-written.ts";

describe("releaseBodyChunksAsWritten", () => {
  it("yields every chunk once, in order, and holds none it has handed out", () => {
    const chunks = [Buffer.from("a"), Buffer.from("bc"), Buffer.from("def")];
    const kept = [...chunks];
    const it = releaseBodyChunksAsWritten(chunks);
    expect(it.next().value).toBe(kept[0]);
    expect(chunks).toEqual([kept[1], kept[2]]);
    expect(chunks[0]).toBe(kept[1]);
    expect([...it]).toEqual([kept[1], kept[2]]);
    expect(chunks).toEqual([]);
  });
});
