import { describe, expect, it } from "vitest";
import { decisionKeyOf } from "./decision-key.ts";
import { DecisionCache } from "./decision-cache.ts";

const h = (o: Record<string, string>) => new Headers(o);
const meta = (thread: string, turn: string, kind = "turn") => JSON.stringify({ thread_id: thread, turn_id: turn, request_kind: kind });

describe("decisionKeyOf", () => {
  it("keys Codex requests by thread and turn (header or client_metadata)", () => {
    expect(decisionKeyOf({ model: "a" }, h({ "x-codex-turn-metadata": meta("t1", "u1") }), "same words", false)).toEqual({ key: "turn:t1:u1", thread: "t1", kind: "turn" });
    expect(decisionKeyOf({ model: "a", client_metadata: { thread_id: "t2", turn_id: "u9" } }, h({}), "x", false).key).toBe("turn:t2:u9");
    expect(decisionKeyOf({ model: "a" }, h({ "x-codex-turn-metadata": meta("t1", "u1", "compaction") }), "x", false).kind).toBe("compaction");
  });
  it("two sessions typing the same words get different keys; one session, same words, same key", () => {
    const a = decisionKeyOf({ model: "a" }, h({ "session-id": "s1" }), "fix it", false);
    const b = decisionKeyOf({ model: "a" }, h({ "session-id": "s2" }), "fix it", false);
    expect(a.key).not.toBe(b.key);
    expect(decisionKeyOf({ model: "a" }, h({ "session-id": "s1" }), "fix it", false).key).toBe(a.key);
    expect(a.key).not.toContain("fix it");
  });
  it("without any session: the task text (and the image flag)", () => {
    const k = decisionKeyOf({ model: "a" }, undefined, "fix it", false);
    expect(k).toMatchObject({ thread: null, kind: "text" });
    expect(decisionKeyOf({ model: "a" }, undefined, "fix it", true).key).not.toBe(k.key);
  });
});

describe("DecisionCache", () => {
  it("is bounded (oldest first) and expires, sliding on hits", () => {
    let now = 0;
    const c = new DecisionCache({ limit: 2, ttlMs: 100, now: () => now });
    const d = (slug: string) => ({ slug, reason: "", ranking: [slug], hasImages: false });
    c.set("a", d("x"), "t");
    c.set("b", d("y"), null);
    c.set("c", d("z"), null);
    expect(c.get("a")).toBeUndefined();
    expect(c.previous("t")).toBe("x");
    now = 90;
    expect(c.get("b")?.slug).toBe("y");
    now = 150;
    expect(c.get("b")?.slug).toBe("y");
    expect(c.get("c")).toBeUndefined();
  });
});
