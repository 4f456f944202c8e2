import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BodyPrefixReuse, commonPrefixLength } from "./body-prefix-reuse.ts";
import { scanJsonArraySpans } from "./scan-json-array-spans.ts";
import { readJsonBody } from "./read-json-body.ts";

type Json = unknown;

/** The body as a fresh JSON.parse sees it, or "invalid". */
function parsedWhole(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return "invalid";
  }
}

/** `reuse.parse`, then `remember` after a whole parse, as readJsonBody does. */
function readWith(reuse: BodyPrefixReuse, text: string, thread?: string): Json {
  const raw = Buffer.from(text);
  const reused = reuse.parse(raw, thread);
  if (reused) return reused;
  const whole = parsedWhole(text);
  if (whole && typeof whole === "object" && !Array.isArray(whole)) reuse.remember(raw, whole as Record<string, unknown>, thread);
  return whole;
}

/** Equal as values and in key order (toStrictEqual ignores key order, JSON.stringify does not). */
function expectSame(actual: Json, text: string): void {
  const expected = parsedWhole(text);
  if (expected === "invalid") return;
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const item = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ type: fc.constantFrom("message", "function_call", "reasoning"), text: fc.string({ unit: "binary" }), n: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }),
);
const items = fc.array(item, { maxLength: 8 });
const otherKeys = fc.dictionary(fc.constantFrom("model", "stream", "tools", "store", "__proto__", "inp", "inputs", "x"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
/** Compact (as Codex sends), pretty-printed, or with every non-ASCII character escaped. */
const style = fc.constantFrom("compact", "pretty", "escaped");
function render(body: Record<string, unknown>, how: string): string {
  if (how === "pretty") return JSON.stringify(body, null, 1);
  const s = JSON.stringify(body);
  return how === "escaped" ? s.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : s;
}
function bodyOf(before: Record<string, unknown>, input: Json[], after: Record<string, unknown>): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(before)) if (k !== "input") b[k] = v;
  b.input = input;
  for (const [k, v] of Object.entries(after)) if (!(k in b)) b[k] = v;
  return b;
}

describe("scanJsonArraySpans", () => {
  it("finds where each element of the top-level array ends, in any formatting", () => {
    fc.assert(
      fc.property(otherKeys, items, otherKeys, style, (before, input, after, how) => {
        const text = render(bodyOf(before, input, after), how);
        const raw = Buffer.from(text);
        const spans = scanJsonArraySpans(raw, "input")!;
        expect(spans.ends).toHaveLength(input.length);
        let start = spans.open;
        spans.ends.forEach((end, i) => {
          expect(JSON.parse(raw.toString("utf8", start, end).replace(/^[\s,]+/, ""))).toStrictEqual(JSON.parse(JSON.stringify(input[i])));
          start = end;
        });
      }),
      { numRuns: 300 },
    );
  });
  it("refuses a second top-level key of that name (JSON.parse keeps the last), a missing key, a non-array, a non-object", () => {
    expect(scanJsonArraySpans(Buffer.from('{"input":[1],"x":{"input":2},"input":[3]}'), "input")).toBeNull();
    expect(scanJsonArraySpans(Buffer.from('{"input":[1],"\\u0069nput":[3]}'), "input")).toBeNull();
    expect(scanJsonArraySpans(Buffer.from('{"x":{"input":[1]}}'), "input")).toBeNull();
    expect(scanJsonArraySpans(Buffer.from('{"input":"go"}'), "input")).toBeNull();
    expect(scanJsonArraySpans(Buffer.from("[1,2]"), "input")).toBeNull();
    expect(scanJsonArraySpans(Buffer.from('{"x":"\\"input\\"","input":[1,"a\\\\",[2]]}'), "input")).toEqual({ open: 26, ends: [27, 33, 37] });
  });
});

describe("BodyPrefixReuse", () => {
  it("a body that shares items with the kept one parses to exactly what JSON.parse of the whole body gives, and reuses those items", () => {
    let reusedRuns = 0;
    fc.assert(
      fc.property(otherKeys, items, otherKeys, fc.nat(), items, otherKeys, style, (before, input, after, keepSeed, added, after2, how) => {
        const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0 });
        const first = render(bodyOf(before, input, after), how);
        expectSame(readWith(reuse, first), first);
        // the next turn: the same head and a prefix of the items, then new items and other trailing fields
        const kept = input.slice(0, keepSeed % (input.length + 1));
        const next = render(bodyOf(before, [...kept, ...added], after2), how);
        const hits = reuse.hits;
        const value = readWith(reuse, next);
        expectSame(value, next);
        if (reuse.hits > hits) reusedRuns++;
        // and a third turn continuing the second
        const third = render(bodyOf(before, [...kept, ...added, ...input], after), how);
        expectSame(readWith(reuse, third), third);
      }),
      { numRuns: 400 },
    );
    // the property must exercise reuse, not only the fallback
    expect(reusedRuns).toBeGreaterThan(100);
  });

  it("any byte-level change after any prefix (also invalid JSON) is parsed exactly as a whole parse, or refused like one", () => {
    let reusedRuns = 0;
    fc.assert(
      fc.property(otherKeys, items, otherKeys, style, fc.nat(), fc.string({ unit: fc.constantFrom(",", "]", "}", " ", "1", '"', "\\", "[", "{", ":", "a", "é", "input") }), fc.nat(), (before, input, after, how, cutSeed, insert, tailSeed) => {
        const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0 });
        const first = render(bodyOf(before, input, after), how);
        readWith(reuse, first);
        const cut = cutSeed % (first.length + 1);
        // as bytes: a cut inside a surrogate pair is what a client would send as U+FFFD
        const raw = Buffer.from(first.slice(0, cut) + insert + first.slice(cut + (tailSeed % 4)));
        const next = raw.toString("utf8");
        const value = reuse.parse(raw, undefined);
        if (value === undefined) return;
        reusedRuns++;
        expect(parsedWhole(next)).not.toBe("invalid");
        expectSame(value, next);
      }),
      { numRuns: 1500 },
    );
    expect(reusedRuns).toBeGreaterThan(100);
  });

  it("handles the cuts that would change a value or hide invalid JSON", () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0 });
    readWith(reuse, '{"input":[1,2,{"a":"b"}],"tools":[]}');
    // a number that continues is a different number; a trailing comma is invalid either way
    expect(reuse.parse(Buffer.from('{"input":[1,23],"tools":[]}'), undefined)).toStrictEqual({ input: [1, 23], tools: [] });
    expect(reuse.parse(Buffer.from('{"input":[1,2, ],"tools":[]}'), undefined)).toBeUndefined();
    // a second "input" after the array wins in JSON.parse: no reuse
    expect(reuse.parse(Buffer.from('{"input":[1,2,{"a":"b"}],"input":[9]}'), undefined)).toBeUndefined();
    const v = reuse.parse(Buffer.from('{"input":[1,2,{"a":"b"},"new"],"tools":[1]}'), undefined) as { input: unknown[] };
    expect(v).toStrictEqual({ input: [1, 2, { a: "b" }, "new"], tools: [1] });
    expect(reuse.hits).toBe(2);
  });

  it("shares the parsed items of the previous body of the same thread, never another thread's", () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0 });
    const a = readWith(reuse, '{"input":[{"big":"x"},{"y":1}]}', "t1") as { input: object[] };
    const b = readWith(reuse, '{"input":[{"big":"x"},{"y":1},{"z":2}]}', "t1") as { input: object[] };
    expect(b.input[0]).toBe(a.input[0]);
    expect(b.input[1]).toBe(a.input[1]);
    const c = readWith(reuse, '{"input":[{"big":"x"},{"y":1},{"z":2}]}', "t2") as { input: object[] };
    expect(c.input[0]).not.toBe(a.input[0]);
    // the array handed out is the caller's: changing it does not change what is kept
    b.input.length = 0;
    const d = readWith(reuse, '{"input":[{"big":"x"},{"y":1},{"z":2},{"w":3}]}', "t1") as { input: object[] };
    expect(d.input).toStrictEqual([{ big: "x" }, { y: 1 }, { z: 2 }, { w: 3 }]);
    expect(d.input[0]).toBe(a.input[0]);
  });

  it("parses a body whole when what it shares is less than the given share of it", () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0.5 });
    const item = `{"t":"${"a".repeat(100)}"}`;
    readWith(reuse, `{"input":[${item},{"u":1}]}`);
    // a new session that opens like the other: one shared item, most of the body new
    const fresh = `{"input":[${item},{"v":"${"b".repeat(300)}"}]}`;
    expect(reuse.parse(Buffer.from(fresh), undefined)).toBeUndefined();
    // the next turn of the first: nearly all of it shared
    const next = `{"input":[${item},{"u":1},{"w":2}]}`;
    expect(reuse.parse(Buffer.from(next), undefined)).toStrictEqual(JSON.parse(next));
    expect(reuse.hits).toBe(1);
  });

  it("keeps a bounded number of bodies and bytes", () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0, maxRecords: 3, anonymous: 2, maxBytes: 1000 });
    for (let i = 0; i < 10; i++) readWith(reuse, `{"input":[${i}]}`, `t${i}`);
    for (let i = 0; i < 10; i++) readWith(reuse, `{"input":[${i}]}`);
    const records = (reuse as unknown as { records: Map<string, unknown> }).records;
    expect(records.size).toBeLessThanOrEqual(3);
    expect([...records.keys()].filter((k) => k.startsWith("\0")).length).toBeLessThanOrEqual(2);
  });

  it("keeps its own copy of each body, and reusing the copies' buffers across threads and evictions never mixes bodies up", () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0, maxRecords: 3, anonymous: 1, maxBytes: 12_000 });
    // the caller's buffer is not kept: overwriting it does not change what the next turn is compared with
    const raw = Buffer.from('{"input":[{"a":"first"},{"b":2}]}');
    reuse.remember(raw, JSON.parse(raw.toString()), "own");
    raw.fill(0x20);
    const next = '{"input":[{"a":"first"},{"b":2},{"c":3}]}';
    expectSame(reuse.parse(Buffer.from(next), "own"), next);
    expect(reuse.hits).toBe(1);
    // many threads, each growing turn by turn, in an order that evicts and recycles buffers
    const turns = new Map<string, string[]>();
    for (let step = 0; step < 60; step++) {
      const thread = `t${[0, 1, 0, 2, 1, 3, 0, 3, 2][step % 9]}`;
      const history = turns.get(thread) ?? [];
      history.push(JSON.stringify({ thread, step, text: "ü".repeat((step * 13) % 90) }));
      turns.set(thread, history);
      const text = `{"model":"m","input":[${history.join(",")}],"tools":[]}`;
      expectSame(readWith(reuse, text, thread), text);
    }
    expect(reuse.hits).toBeGreaterThan(10);
  });

  it("commonPrefixLength across block sizes", () => {
    const a = Buffer.alloc(200_000, 7);
    for (const at of [0, 1, 15, 16, 255, 4096, 65535, 65536, 199_999]) {
      const b = Buffer.from(a);
      b[at] = 8;
      expect(commonPrefixLength(a, b)).toBe(at);
    }
    expect(commonPrefixLength(a, a.subarray(0, 1234))).toBe(1234);
  });
});

describe("readJsonBody with prefix reuse", () => {
  const req = (body: string, headers: Record<string, string> = {}) => new Request("http://127.0.0.1/v1/responses", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  it("reuses the thread's previous items and still refuses what a whole parse refuses", async () => {
    const reuse = new BodyPrefixReuse("input", { minBytes: 0, minSharedFraction: 0 });
    const big = "é".repeat(100);
    const one = await readJsonBody(req(`{"model":"m","input":[{"t":"${big}"}]}`, { "session-id": "s" }), 1e6, reuse);
    const two = await readJsonBody(req(`{"model":"m","input":[{"t":"${big}"},{"u":1}]}`, { "session-id": "s" }), 1e6, reuse);
    expect((two.input as object[])[0]).toBe((one.input as object[])[0]);
    await expect(readJsonBody(req(`{"model":"m","input":[{"t":"${big}"},{"u":1},]}`, { "session-id": "s" }), 1e6, reuse)).rejects.toMatchObject({ status: 400, message: /not valid JSON/ });
    const deep = `${"[".repeat(300)}${"]".repeat(300)}`;
    await expect(readJsonBody(req(`{"model":"m","input":[{"t":"${big}"},{"u":1},${deep}]}`, { "session-id": "s" }), 1e6, reuse)).rejects.toMatchObject({ status: 400, message: /nested deeper/ });
    expect(reuse.hits).toBe(1);
  });
});
