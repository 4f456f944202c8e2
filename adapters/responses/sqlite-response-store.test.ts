import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { SqliteResponseStore } from "./sqlite-response-store.ts";
import { buildResponseEcho, buildResponseResource } from "./build-response-resource.ts";
import type { StoredResponse } from "./response-store.ts";

const CHILD = fileURLToPath(new URL("../../test/fixtures/response-store-crash-child.ts", import.meta.url));
const opened: SqliteResponseStore[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

function tmpDb(): string {
  return join(mkdtempSync(join(tmpdir(), "resp-store-")), "nested", "responses.sqlite");
}
function open(file: string, maxBytes = 1 << 30, maxAgeMs = 86_400_000): SqliteResponseStore {
  const s = new SqliteResponseStore(file, { maxBytes, maxAgeMs });
  opened.push(s);
  return s;
}
function row(id: string, text = "hi", createdAt = Math.floor(Date.now() / 1000)): StoredResponse {
  return {
    id,
    createdAt,
    input: [{ type: "message", id: `msg_${id}`, role: "user", content: text }],
    response: buildResponseResource(
      { id, createdAt, completedAt: createdAt, status: "completed", model: "m", output: [{ type: "message", id: `msg_out_${id}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: "ok", annotations: [] }] }], error: null, usage: null, incompleteReason: null },
      buildResponseEcho({ model: "m", store: true }),
    ),
  };
}

describe("SqliteResponseStore", () => {
  it("puts, gets, deletes, and keeps rows across a reopen", () => {
    const file = tmpDb();
    const a = open(file);
    a.put(row("resp_a"));
    expect(a.get("resp_a")).toEqual(row("resp_a", "hi", a.get("resp_a")!.createdAt));
    expect(a.get("resp_missing")).toBeUndefined();
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    a.close();
    const b = open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(b.get("resp_a")?.response.output[0]).toMatchObject({ type: "message" });
    expect(b.delete("resp_a")).toBe(true);
    expect(b.delete("resp_a")).toBe(false);
    expect(b.get("resp_a")).toBeUndefined();
  });

  it("bounds the size: the oldest rows go first, the newest is always kept", () => {
    const s = open(tmpDb(), 40_000);
    const t = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 10; i++) s.put(row(`resp_${i}`, "x".repeat(10_000), t - 100 + i));
    const { rows, bytes } = s.stats();
    expect(bytes).toBeLessThanOrEqual(40_000);
    expect(rows).toBeGreaterThan(0);
    expect(s.get("resp_9")).toBeDefined();
    expect(s.get("resp_0")).toBeUndefined();
    // a single row over the limit is still kept (until the next write)
    s.put(row("resp_huge", "y".repeat(100_000)));
    expect(s.get("resp_huge")).toBeDefined();
    expect(s.stats().rows).toBe(1);
  });

  it("bounds the age: old rows are neither returned nor kept", () => {
    const s = open(tmpDb(), 1 << 30, 60_000);
    const now = Math.floor(Date.now() / 1000);
    s.put(row("resp_old", "old", now - 3600));
    expect(s.get("resp_old")).toBeUndefined();
    s.put(row("resp_new", "new", now));
    expect(s.stats().rows).toBe(1);
    expect(s.get("resp_new")).toBeDefined();
  });
});

function runChild(file: string, mode: "loop" | "big", killWhen: (line: string, lines: string[]) => boolean, killPoll?: () => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, mode], { stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let buf = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const poll = killPoll ? setInterval(() => killPoll() && child.kill("SIGKILL"), 1) : undefined;
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (killWhen(line, lines)) child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (signal !== "SIGKILL") reject(new Error(`child exited without being killed: ${err}`));
      else resolve(lines);
    });
  });
}

function checkDatabase(file: string): { ids: string[] } {
  const db = new DatabaseSync(file);
  try {
    expect(db.prepare("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const rows = db.prepare("SELECT id, bytes, response, input FROM responses").all() as { id: string; bytes: number; response: string; input: string }[];
    for (const r of rows) {
      // whole rows only: both JSON columns parse, and hold what the child wrote for that id
      const input = JSON.parse(r.input);
      expect(JSON.parse(r.response).id).toBe(r.id);
      expect(input[0].id).toBe(`msg_${r.id}`);
      expect(input[0].content.startsWith(`${r.id}:`)).toBe(true);
      expect(Buffer.byteLength(r.response) + Buffer.byteLength(r.input)).toBe(r.bytes);
    }
    return { ids: rows.map((r) => r.id) };
  } finally {
    db.close();
  }
}

describe("SqliteResponseStore: a crash never leaves a half-written row", () => {
  it("SIGKILL in the middle of a 64 MB write (8 MB of it already in the WAL): no row, the database intact and usable", async () => {
    const file = tmpDb();
    const wal = `${file}-wal`;
    let walAtKill = 0;
    const walSize = () => (existsSync(wal) ? statSync(wal).size : 0);
    const lines = await runChild(file, "big", () => false, () => (walAtKill = walSize()) > 8 * 1024 * 1024);
    // killed after the transaction had written pages to disk and before it committed
    expect(lines).toEqual(["start resp_big"]);
    expect(walAtKill).toBeGreaterThan(8 * 1024 * 1024);
    const { ids } = checkDatabase(file);
    expect(ids).toEqual([]);
    const s = open(file);
    s.put(row("resp_after"));
    expect(s.get("resp_after")).toBeDefined();
  });

  it("SIGKILL at arbitrary points of a write loop: every committed row is there and whole, the one in flight is all or nothing", async () => {
    for (let round = 0; round < 3; round++) {
      const file = tmpDb();
      const target = 3 + round * 2;
      const lines = await runChild(file, "loop", (_l, all) => all.filter((x) => x.startsWith("committed")).length >= target && all.at(-1)!.startsWith("start"));
      const committed = lines.filter((l) => l.startsWith("committed ")).map((l) => l.slice(10));
      const inFlight = lines.at(-1)!.startsWith("start ") ? lines.at(-1)!.slice(6) : null;
      const { ids } = checkDatabase(file);
      for (const id of committed) expect(ids).toContain(id);
      const extra = ids.filter((id) => !committed.includes(id));
      expect(extra.length <= 1 && (extra.length === 0 || extra[0] === inFlight)).toBe(true);
    }
  });
});

