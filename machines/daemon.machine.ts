import { assign, fromPromise, setup } from "xstate";

/**
 * One run of `codex-shim start | stop | restart | status` as a state machine. All IO comes in as
 * invoked actors (see DaemonDeps), so the machine can be walked along every path with
 * @xstate/graph and driven for real by the CLI.
 *
 *  inspecting ─▶ deciding ─┬─ status ─────────────────────────────▶ done
 *                          ├─ start: stopped ─▶ spawning ─▶ awaitingHealth ─▶ done | failed
 *                          │         stale ─▶ clearingStale ─▶ spawning …
 *                          │         unhealthy ─▶ awaitingHealth (it may still be starting)
 *                          │         running/unmanaged ─▶ done;  foreign ─▶ failed (port busy)
 *                          └─ stop:  running/unhealthy ─▶ terminating ─▶ (killing) ─▶ releasingPort ─▶ stopPhaseDone
 *                                    stale ─▶ clearingStale ─▶ stopPhaseDone;  stopped/foreign ─▶ stopPhaseDone
 *                                    unmanaged ─▶ failed (no pid to signal)
 *  stopPhaseDone ─▶ restart ? inspecting (start phase) : done
 *
 * releasingPort: a pid that no longer answers kill(pid, 0) — or whose main thread is a zombie —
 * can still hold its listening socket for a few milliseconds while the kernel tears the process
 * down; a probe in that window is accepted and then reset (ECONNRESET). "Stopped" therefore means
 * the pid is gone *and* the port refuses connections.
 */

export type DaemonCommand = "start" | "stop" | "restart" | "status";

/** What is on disk and on the port right now. */
export interface DaemonObservation {
  port: number;
  /** pid from daemon.json, if any. */
  pid: number | null;
  pidAlive: boolean;
  /** A live pid that is not a codex-shim process (recycled pid): never signal it. */
  pidForeign: boolean;
  recordCorrupt: boolean;
  probe: "free" | "shim" | "foreign";
  /** With --port: the recorded daemon of this state dir, which listens on another port. */
  elsewhere?: { pid: number; port: number };
  /** /health, when codex-shim answered. */
  health: { version: string; models: number; settingsFile?: string; unusable?: { slug: string; reason?: string; env?: string }[] } | null;
  probeDetail?: string;
}

export type DaemonCondition = "running" | "unmanaged" | "unhealthy" | "stale" | "stopped" | "foreign";

export function classifyDaemon(o: DaemonObservation): DaemonCondition {
  const ours = o.pid !== null && o.pidAlive && !o.pidForeign;
  if (ours) return o.probe === "shim" ? "running" : "unhealthy";
  if (o.probe === "shim") return "unmanaged";
  if (o.probe === "foreign") return "foreign";
  return o.pid !== null || o.recordCorrupt ? "stale" : "stopped";
}

export interface DaemonDeps {
  observe: () => Promise<DaemonObservation>;
  /** Removes a daemon.json that names no live daemon. */
  clearStale: () => Promise<void>;
  /** Spawns the daemon; resolves with its pid. */
  spawn: () => Promise<{ pid: number }>;
  /** Resolves once /health answers for this pid; rejects if it exits or times out. */
  waitHealthy: (pid: number) => Promise<void>;
  /** SIGTERM and wait; rejects if the process is still alive after the grace period. */
  terminate: (pid: number) => Promise<void>;
  /** SIGKILL and wait; rejects if it is still alive. */
  kill: (pid: number) => Promise<void>;
  /** Resolves once nothing accepts connections on the port; rejects if it stays taken. */
  waitPortFree: (port: number) => Promise<void>;
}

export type DaemonResultCode =
  | "running"
  | "started"
  /** restart: a running daemon was stopped and a new one started. */
  | "restarted"
  | "already-running"
  | "stopped"
  | "not-running"
  | "status-stopped"
  | "status-stale"
  | "status-unhealthy"
  | "status-foreign"
  | "port-busy"
  | "unmanaged"
  | "start-failed"
  | "stop-failed"
  | "error";

export interface DaemonResult {
  ok: boolean;
  code: DaemonResultCode;
  /** The condition last observed (for restart: the one its start phase found). */
  condition: DaemonCondition | null;
  /** The condition the command found first (before it changed anything). */
  initialCondition: DaemonCondition | null;
  observation: DaemonObservation | null;
  pid: number | null;
  /** Extra facts for the message: "removed stale pid file", "killed after SIGTERM timeout". */
  notes: string[];
  error?: string;
}

interface Ctx {
  command: DaemonCommand;
  phase: "stop" | "start" | "status";
  observation: DaemonObservation | null;
  condition: DaemonCondition | null;
  initialCondition: DaemonCondition | null;
  pid: number | null;
  notes: string[];
  result: DaemonResult | null;
  deps: DaemonDeps;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const result = (c: Ctx, ok: boolean, code: DaemonResultCode, error?: string): DaemonResult => ({
  ok,
  code,
  condition: c.condition,
  initialCondition: c.initialCondition,
  observation: c.observation,
  pid: c.pid,
  notes: c.notes,
  ...(error !== undefined ? { error } : {}),
});

const wasStopped = (c: Ctx) => c.notes.includes("terminated") || c.notes.includes("killed");

const STATUS_CODES: Record<DaemonCondition, [boolean, DaemonResultCode]> = {
  running: [true, "running"],
  unmanaged: [true, "running"],
  unhealthy: [false, "status-unhealthy"],
  stale: [false, "status-stale"],
  stopped: [false, "status-stopped"],
  foreign: [false, "status-foreign"],
};

export const daemonMachine = setup({
  types: {} as { context: Ctx; input: { command: DaemonCommand; deps: DaemonDeps }; output: DaemonResult },
  actors: {
    observe: fromPromise<DaemonObservation, DaemonDeps>(({ input }) => input.observe()),
    clearStale: fromPromise<void, DaemonDeps>(({ input }) => input.clearStale()),
    spawn: fromPromise<{ pid: number }, DaemonDeps>(({ input }) => input.spawn()),
    waitHealthy: fromPromise<void, { deps: DaemonDeps; pid: number }>(({ input }) => input.deps.waitHealthy(input.pid)),
    terminate: fromPromise<void, { deps: DaemonDeps; pid: number }>(({ input }) => input.deps.terminate(input.pid)),
    kill: fromPromise<void, { deps: DaemonDeps; pid: number }>(({ input }) => input.deps.kill(input.pid)),
    waitPortFree: fromPromise<void, { deps: DaemonDeps; port: number }>(({ input }) => input.deps.waitPortFree(input.port)),
  },
  guards: {
    isStatus: ({ context }) => context.phase === "status",
    isStart: ({ context }) => context.phase === "start",
    isStop: ({ context }) => context.phase === "stop",
    isRestart: ({ context }) => context.command === "restart",
  },
}).createMachine({
  id: "daemon",
  context: ({ input }) => ({
    command: input.command,
    phase: input.command === "status" ? "status" : input.command === "start" ? "start" : "stop",
    observation: null,
    condition: null,
    initialCondition: null,
    pid: null,
    notes: [],
    result: null,
    deps: input.deps,
  }),
  initial: "inspecting",
  output: ({ context }) => context.result!,
  states: {
    inspecting: {
      invoke: {
        id: "observe",
        src: "observe",
        input: ({ context }) => context.deps,
        onDone: {
          target: "deciding",
          actions: assign(({ context, event }) => {
            const condition = classifyDaemon(event.output);
            return { observation: event.output, condition, initialCondition: context.initialCondition ?? condition, pid: event.output.pid };
          }),
        },
        onError: { target: "failed", actions: assign(({ context, event }) => ({ result: result(context, false, "error", errText(event.error)) })) },
      },
    },
    deciding: {
      always: [
        {
          guard: "isStatus",
          target: "done",
          actions: assign(({ context }) => {
            const [ok, code] = STATUS_CODES[context.condition!];
            return { result: result(context, ok, code) };
          }),
        },
        // start phase
        {
          guard: ({ context }) => context.phase === "start" && (context.condition === "running" || context.condition === "unmanaged"),
          target: "done",
          actions: assign(({ context }) => ({ result: result(context, true, "already-running") })),
        },
        {
          guard: ({ context }) => context.phase === "start" && context.condition === "foreign",
          target: "failed",
          actions: assign(({ context }) => ({ result: result(context, false, "port-busy") })),
        },
        { guard: ({ context }) => context.phase === "start" && context.condition === "unhealthy", target: "awaitingHealth" },
        { guard: ({ context }) => context.phase === "start" && context.condition === "stale", target: "clearingStale" },
        { guard: "isStart", target: "spawning" },
        // stop phase
        { guard: ({ context }) => context.condition === "running" || context.condition === "unhealthy", target: "terminating" },
        { guard: ({ context }) => context.condition === "stale", target: "clearingStale" },
        {
          guard: ({ context }) => context.condition === "unmanaged",
          target: "failed",
          actions: assign(({ context }) => ({ result: result(context, false, "unmanaged") })),
        },
        { target: "stopPhaseDone" },
      ],
    },
    clearingStale: {
      invoke: {
        id: "clearStale",
        src: "clearStale",
        input: ({ context }) => context.deps,
        onDone: [
          { guard: "isStop", target: "stopPhaseDone", actions: assign(({ context }) => ({ notes: [...context.notes, "removed-stale-record"], pid: null })) },
          { target: "spawning", actions: assign(({ context }) => ({ notes: [...context.notes, "removed-stale-record"], pid: null })) },
        ],
        onError: { target: "failed", actions: assign(({ context, event }) => ({ result: result(context, false, "error", errText(event.error)) })) },
      },
    },
    spawning: {
      invoke: {
        id: "spawn",
        src: "spawn",
        input: ({ context }) => context.deps,
        onDone: { target: "awaitingHealth", actions: assign(({ context, event }) => ({ pid: event.output.pid, notes: [...context.notes, "spawned"] })) },
        onError: { target: "failed", actions: assign(({ context, event }) => ({ result: result(context, false, "start-failed", errText(event.error)) })) },
      },
    },
    awaitingHealth: {
      invoke: {
        id: "waitHealthy",
        src: "waitHealthy",
        input: ({ context }) => ({ deps: context.deps, pid: context.pid! }),
        onDone: {
          target: "done",
          actions: assign(({ context }) => ({ result: result(context, true, !context.notes.includes("spawned") ? "already-running" : wasStopped(context) ? "restarted" : "started") })),
        },
        onError: { target: "failed", actions: assign(({ context, event }) => ({ result: result(context, false, "start-failed", errText(event.error)) })) },
      },
    },
    terminating: {
      invoke: {
        id: "terminate",
        src: "terminate",
        input: ({ context }) => ({ deps: context.deps, pid: context.pid! }),
        onDone: { target: "releasingPort", actions: assign(({ context }) => ({ notes: [...context.notes, "terminated"] })) },
        onError: { target: "killing" },
      },
    },
    killing: {
      invoke: {
        id: "kill",
        src: "kill",
        input: ({ context }) => ({ deps: context.deps, pid: context.pid! }),
        onDone: { target: "releasingPort", actions: assign(({ context }) => ({ notes: [...context.notes, "killed"] })) },
        onError: { target: "failed", actions: assign(({ context, event }) => ({ result: result(context, false, "stop-failed", errText(event.error)) })) },
      },
    },
    releasingPort: {
      invoke: {
        id: "waitPortFree",
        src: "waitPortFree",
        input: ({ context }) => ({ deps: context.deps, port: context.observation!.port }),
        onDone: { target: "stopPhaseDone" },
        // The process is gone; something else keeps the port. `stop` still succeeded; a restart's start phase reports the port.
        onError: { target: "stopPhaseDone", actions: assign(({ context }) => ({ notes: [...context.notes, "port-still-busy"] })) },
      },
    },
    stopPhaseDone: {
      always: [
        { guard: "isRestart", target: "inspecting", actions: assign({ phase: "start" as const }) },
        {
          target: "done",
          actions: assign(({ context }) => ({
            result: result(context, true, wasStopped(context) ? "stopped" : "not-running"),
          })),
        },
      ],
    },
    done: { type: "final" },
    failed: { type: "final" },
  },
});
