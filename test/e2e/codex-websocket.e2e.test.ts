import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { CODEX_LAUNCHER, prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { chatToolCallsStep, compactionStep, decide, HELLO_WORLD_PATCH, lastMessage, shellThenPatchStep, textOfMessage, toolMessages } from "../helpers/chat-agent-steps.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { startServer, type RunningServer } from "../../server/start-server.ts";

/**
 * The real Codex CLI with `supports_websockets = true` (what `codex-shim enable` writes): one
 * socket per session, a prewarm, then `previous_response_id` + only the new items each turn; the
 * shim rebuilds the whole conversation for the stateless chat upstream. Runs against the pinned
 * Codex, or another one with CODEX_BIN (e.g. 0.171).
 */
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: { models: unknown[] };

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "up-model", slug: "shim-model", display_name: "Shim Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-key" }]);
  catalog = { models: shim.ctx.store.current.models.map(buildCatalogEntry) };
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

/** The shim's request log lines that came over a WebSocket: connection id and new/total items. */
function wsTurns(logs: string[]): { conn: string; added: number; total: number }[] {
  return logs.flatMap((l) => {
    const m = / transport=ws conn=(\S+) items=\+(\d+)\/(\d+)/.exec(l);
    return m ? [{ conn: m[1], added: Number(m[2]), total: Number(m[3]) }] : [];
  });
}

const PATCH = HELLO_WORLD_PATCH;

describe(`real Codex CLI in WebSocket mode (${CODEX_LAUNCHER.includes("codex171") ? "0.171" : "pinned"})`, () => {
  it("runs a shell + apply_patch tool loop over one socket, the upstream getting the whole conversation each turn", async () => {
    up.requests.length = 0;
    shim.logs.length = 0;
    up.setScript([shellThenPatchStep()]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, websockets: true });
    const run = await runCodex(setup, ["write hello to out.txt, then change it to hello world"]);
    expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
    expect(readFileSync(join(setup.workdir, "out.txt"), "utf8")).toBe("hello world\n");
    expect(run.lastMessage).toBe("Edited out.txt.");
    expect(run.stderr).not.toContain("failed to connect to Responses WebSocket");

    // all three model calls came over one socket, each after the first with only the new items
    const turns = wsTurns(shim.logs);
    expect(turns).toHaveLength(3);
    expect(new Set(turns.map((t) => t.conn)).size).toBe(1);
    for (const t of turns.slice(1)) expect(t.added).toBeLessThan(t.total);
    expect(turns[2].total).toBeGreaterThan(turns[1].total);

    // and yet the upstream saw the whole conversation each turn, as over HTTP
    expect(up.requests).toHaveLength(3);
    const [r1, r2, r3] = up.requests.map((r) => r.body);
    expect(r1.messages[0].role).toBe("system");
    expect(r2.messages.at(-2).tool_calls[0]).toMatchObject({ id: "call_sh", function: { name: "exec_command" } });
    expect(textOfMessage(lastMessage(r2))).toContain("hello");
    expect(r3.messages.slice(0, r2.messages.length)).toEqual(r2.messages);
    const patchCall = r3.messages.at(-2).tool_calls[0];
    expect(patchCall).toMatchObject({ id: "call_patch", function: { name: "apply_patch" } });
    expect(JSON.parse(patchCall.function.arguments)).toEqual({ input: PATCH });
    expect(lastMessage(r3)).toMatchObject({ role: "tool", tool_call_id: "call_patch" });
  });

  it("compacts mid-turn over the socket and finishes in the new window", async () => {
    up.requests.length = 0;
    shim.logs.length = 0;
    const isCompaction = (body: any) => textOfMessage(lastMessage(body)).includes("CONTEXT CHECKPOINT COMPACTION");
    up.setScript([compactionStep("SUMMARY-WS-5D1", "Done after compaction.")]);
    const small = { models: catalog.models.map((m: any) => ({ ...m, context_window: 4000, max_context_window: 4000, auto_compact_token_limit: 3600 })) };
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog: small, websockets: true });
    const run = await runCodex(setup, ["run echo compact-test and tell me what it printed"]);
    expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
    expect(run.lastMessage).toBe("Done after compaction.");
    const bodies = up.requests.map((r) => r.body);
    const compaction = bodies.find(isCompaction);
    expect(compaction, "Codex sent no compaction request").toBeDefined();
    const call = compaction.messages.find((m: any) => m.tool_calls);
    expect(call.tool_calls[0].id).toBe("call_c1");
    const after = bodies[bodies.indexOf(compaction) + 1];
    expect(JSON.stringify(after.messages)).toContain("SUMMARY-WS-5D1");
    expect(after.messages.some((m: any) => m.tool_calls)).toBe(false);
    expect(wsTurns(shim.logs).length).toBe(bodies.length);
  });

  it("survives a shim restart mid-session: Codex reconnects (or falls back to HTTP) and the session finishes", async () => {
    up.requests.length = 0;
    const logs: string[] = [];
    let current: RunningServer | TestShim = await startTestShim(shim.ctx.store.current.models.length ? readSettings() : []);
    const port = current.port;
    const settingsFile = (current as TestShim).settingsFile;
    let restarted: Promise<void> | null = null;
    up.setScript([
      decide((body) => {
        if (toolMessages(body).length === 0) {
          // Codex runs the command (1.5 s) while the shim goes down and comes back on the same port.
          restarted ??= (async () => {
            await new Promise((r) => setTimeout(r, 300));
            await current.close();
            current = await startServer({ settingsFile, settingsRequired: true, port, stateDir: dirname(settingsFile), env: { ...process.env }, log: (l) => logs.push(l), keepAliveMs: 0, watchSettings: false });
          })();
          return chatToolCallsStep([{ id: "call_slow", name: "exec_command", args: JSON.stringify({ cmd: "sleep 1.5; echo after-restart" }) }]);
        }
        return chatTextStep("Finished after the restart.");
      }),
    ]);
    const setup = prepareCodex({ shimUrl: `http://127.0.0.1:${port}`, model: "shim-model", catalog, websockets: true, retries: { request: 2, stream: 3 } });
    try {
      const run = await runCodex(setup, ["run the slow command and report"]);
      expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
      expect(run.lastMessage).toBe("Finished after the restart.");
      expect(restarted).not.toBeNull();
      await restarted;
      // the request after the restart carried the whole conversation (a new socket has no cache)
      const last = up.requests.at(-1)!.body;
      expect(last.messages.find((m: any) => m.tool_calls)?.tool_calls[0].id).toBe("call_slow");
      expect(textOfMessage(lastMessage(last))).toContain("after-restart");
      expect(logs.some((l) => l.includes("[req]"))).toBe(true);
    } finally {
      await current.close();
    }
  });
});

function readSettings(): unknown {
  return JSON.parse(readFileSync(shim.settingsFile, "utf8")).models;
}
