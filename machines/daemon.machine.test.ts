import { describe, expect, it } from "vitest";
import { createActor, toPromise, type AnyMachineSnapshot } from "xstate";
import { getSimplePaths } from "@xstate/graph";
import { classifyDaemon, daemonMachine, type DaemonCommand, type DaemonCondition, type DaemonDeps, type DaemonObservation, type DaemonResult } from "./daemon.machine.ts";

/** One observation per condition the daemon can be found in. */
const OBS: Record<DaemonCondition, DaemonObservation> = {
  running: { port: 8765, pid: 101, pidAlive: true, pidForeign: false, recordCorrupt: false, probe: "shim", health: { version: "0.1.0", models: 2 } },
  unmanaged: { port: 8765, pid: null, pidAlive: false, pidForeign: false, recordCorrupt: false, probe: "shim", health: { version: "0.1.0", models: 2 } },
  unhealthy: { port: 8765, pid: 102, pidAlive: true, pidForeign: false, recordCorrupt: false, probe: "foreign", health: null },
  stale: { port: 8765, pid: 103, pidAlive: false, pidForeign: false, recordCorrupt: false, probe: "free", health: null },
  stopped: { port: 8765, pid: null, pidAlive: false, pidForeign: false, recordCorrupt: false, probe: "free", health: null },
  foreign: { port: 8765, pid: null, pidAlive: false, pidForeign: false, recordCorrupt: false, probe: "foreign", health: null },
};

type Ev = { type: string; output?: unknown; error?: unknown };

/** The outcomes each invoked actor can have, as the events XState delivers for them. */
function outcomes(s: AnyMachineSnapshot): Ev[] {
  const done = (id: string, output?: unknown): Ev => ({ type: `xstate.done.actor.${id}`, output });
  const fail = (id: string, msg: string): Ev => ({ type: `xstate.error.actor.${id}`, error: new Error(msg) });
  if (s.matches("inspecting")) return [...Object.values(OBS).map((o) => done("observe", o)), fail("observe", "state dir unreadable")];
  if (s.matches("clearingStale")) return [done("clearStale"), fail("clearStale", "EACCES")];
  if (s.matches("spawning")) return [done("spawn", { pid: 200 }), fail("spawn", "ENOENT node")];
  if (s.matches("awaitingHealth")) return [done("waitHealthy"), fail("waitHealthy", "exited during startup (exit 1)")];
  if (s.matches("terminating")) return [done("terminate"), fail("terminate", "still alive")];
  if (s.matches("killing")) return [done("kill"), fail("kill", "still alive")];
  if (s.matches("releasingPort")) return [done("waitPortFree"), fail("waitPortFree", "port 8765 still accepts connections")];
  return [];
}

/** Stub deps that replay the outcomes of one path, in order, and record the calls. */
function scriptedDeps(steps: Ev[]) {
  const queue = steps.filter((e) => e.type.startsWith("xstate.done.actor.") || e.type.startsWith("xstate.error.actor."));
  const calls: string[] = [];
  const next = (id: string) => {
    const e = queue.shift();
    if (!e || !e.type.endsWith(`.actor.${id}`)) throw new Error(`unexpected call ${id}; next scripted event ${e?.type}`);
    calls.push(id);
    return e.type.startsWith("xstate.done") ? Promise.resolve(e.output as never) : Promise.reject(e.error);
  };
  const deps: DaemonDeps = {
    observe: () => next("observe"),
    clearStale: () => next("clearStale"),
    spawn: () => next("spawn"),
    waitHealthy: () => next("waitHealthy"),
    terminate: () => next("terminate"),
    kill: () => next("kill"),
    waitPortFree: () => next("waitPortFree"),
  };
  return { deps, calls, left: () => queue.length };
}

/** The result each path must end with: derived independently of the machine's own code. */
function expectedResult(command: DaemonCommand, steps: Ev[]): Pick<DaemonResult, "ok" | "code"> {
  const errors = steps.filter((e) => e.type.startsWith("xstate.error"));
  const observations = steps.filter((e) => e.type === "xstate.done.actor.observe").map((e) => classifyDaemon(e.output as DaemonObservation));
  const last = observations.at(-1);
  const did = (id: string) => steps.some((e) => e.type === `xstate.done.actor.${id}`);
  const err = errors.at(-1)?.type.replace("xstate.error.actor.", "");
  if (err === "observe" || err === "clearStale") return { ok: false, code: "error" };
  if (err === "spawn" || err === "waitHealthy") return { ok: false, code: "start-failed" };
  if (err === "kill") return { ok: false, code: "stop-failed" };
  // A port that stays taken after the process exited does not fail `stop`; the start phase then sees it.
  if (command === "status") {
    const codes: Record<DaemonCondition, [boolean, DaemonResult["code"]]> = {
      running: [true, "running"],
      unmanaged: [true, "running"],
      unhealthy: [false, "status-unhealthy"],
      stale: [false, "status-stale"],
      stopped: [false, "status-stopped"],
      foreign: [false, "status-foreign"],
    };
    return { ok: codes[last!][0], code: codes[last!][1] };
  }
  if (command === "stop" || (command === "restart" && observations.length === 1)) {
    if (last === "unmanaged") return { ok: false, code: "unmanaged" };
    return { ok: true, code: did("terminate") || did("kill") ? "stopped" : "not-running" };
  }
  if (last === "foreign") return { ok: false, code: "port-busy" };
  if (!did("spawn")) return { ok: true, code: "already-running" };
  return { ok: true, code: did("terminate") || did("kill") ? "restarted" : "started" };
}

for (const command of ["status", "start", "stop", "restart"] as const) {
  describe(`daemon machine: every path of \`${command}\``, () => {
    const paths = getSimplePaths(daemonMachine, {
      input: { command, deps: {} as DaemonDeps },
      events: outcomes as never,
      serializeState: (s) => JSON.stringify({ v: s.value, phase: s.context.phase, c: s.context.condition, n: s.context.notes }),
      toState: (s) => s.status === "done",
    });
    it("reaches both final states", () => {
      expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(["done", "failed"]));
    });
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as Ev).filter((e) => e.type !== "xstate.init");
      const name = events.map((e) => e.type.replace("xstate.", "").replace(".actor", "") + (e.type === "xstate.done.actor.observe" ? `(${classifyDaemon(e.output as DaemonObservation)})` : "")).join(" → ");
      it(`${name} ⇒ ${JSON.stringify(path.state.value)}`, async () => {
        const { deps, calls, left } = scriptedDeps(events);
        const seen: string[] = [];
        const actor = createActor(daemonMachine, {
          input: { command, deps },
          inspect: (ev) => {
            if (ev.type === "@xstate.event" && ev.actorRef === actor && ev.event.type.startsWith("xstate.") && ev.event.type !== "xstate.init") seen.push(ev.event.type);
          },
        });
        actor.start();
        const result = await toPromise(actor);
        expect(actor.getSnapshot().value).toEqual(path.state.value);
        expect(seen).toEqual(events.map((e) => e.type));
        expect(calls.length).toBe(events.length);
        expect(left()).toBe(0);
        expect({ ok: result.ok, code: result.code }).toEqual(expectedResult(command, events));
      });
    }
  });
}

describe("stopping waits for the port", () => {
  it("every path that signals the daemon releases its port before it reports or restarts", () => {
    for (const command of ["stop", "restart"] as const) {
      const paths = getSimplePaths(daemonMachine, {
        input: { command, deps: {} as DaemonDeps },
        events: outcomes as never,
        serializeState: (s) => JSON.stringify({ v: s.value, phase: s.context.phase, c: s.context.condition, n: s.context.notes }),
        toState: (s) => s.status === "done",
      });
      for (const p of paths) {
        const types = p.steps.map((s) => (s.event as Ev).type);
        const signalled = types.findIndex((t) => t === "xstate.done.actor.terminate" || t === "xstate.done.actor.kill");
        if (signalled < 0) continue;
        expect(types[signalled + 1], types.join(" → ")).toMatch(/^xstate\.(done|error)\.actor\.waitPortFree$/);
      }
    }
  });
  it("restart reports what it did and the state it left", async () => {
    const { deps } = scriptedDeps([
      { type: "xstate.done.actor.observe", output: OBS.running },
      { type: "xstate.done.actor.terminate" },
      { type: "xstate.done.actor.waitPortFree" },
      { type: "xstate.done.actor.observe", output: OBS.stopped },
      { type: "xstate.done.actor.spawn", output: { pid: 200 } },
      { type: "xstate.done.actor.waitHealthy" },
    ]);
    const r = await toPromise(createActor(daemonMachine, { input: { command: "restart", deps } }).start());
    expect(r).toMatchObject({ ok: true, code: "restarted", initialCondition: "running", pid: 200 });
  });
});

describe("classifyDaemon", () => {
  it("never treats a recycled pid as our daemon", () => {
    expect(classifyDaemon({ ...OBS.running, pidForeign: true })).toBe("unmanaged");
    expect(classifyDaemon({ ...OBS.stale, pidAlive: true, pidForeign: true })).toBe("stale");
  });
  it("a corrupt record with a free port is stale", () => {
    expect(classifyDaemon({ ...OBS.stopped, recordCorrupt: true })).toBe("stale");
  });
});
