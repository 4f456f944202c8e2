import { assign, fromPromise, setup } from "xstate";
import { readFileSync, unlinkSync } from "node:fs";
import { createdByShim, installManagedConfig, ManagedConfigError, readManagedState, removeManagedConfig } from "../adapters/codex-config/managed-config.ts";
import { ConfigParseError, parseCodexConfig, verifyInstalled, verifyRemoved } from "../adapters/codex-config/verify-config.ts";
import { backupFile, resolveWriteTarget, writeFileAtomic } from "../adapters/codex-config/atomic-write.ts";
import type { ShimCodexSettings } from "../adapters/codex-config/provider-values.ts";

/**
 * One edit of Codex's config.toml (`enable`, `disable`, `model use`):
 *   reading ─▶ planning ─▶ (unchanged ⇒ done) ─▶ backingUp ─▶ writing ─▶ confirming ─▶ done
 * Any error ⇒ failed, and the original file is untouched: the new text is computed and verified
 * (re-parsed, values checked, byte-exact reversibility checked) before anything is written, and
 * written atomically (temp file + rename) after a backup.
 */

export type ConfigAction = { kind: "enable"; settings: ShimCodexSettings } | { kind: "disable" };

export interface ConfigDeps {
  /** The file's text, or null when it does not exist. */
  read: (file: string) => Promise<string | null>;
  backup: (file: string) => Promise<string>;
  write: (file: string, text: string) => Promise<void>;
  remove: (file: string) => Promise<void>;
}

export const fsConfigDeps = (backupDir: string): ConfigDeps => ({
  async read(file) {
    try {
      return readFileSync(resolveWriteTarget(file), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new Error(`cannot read ${file}: ${(e as Error).message}`);
    }
  },
  async backup(file) {
    return backupFile(file, backupDir);
  },
  async write(file, text) {
    writeFileAtomic(file, text);
  },
  async remove(file) {
    unlinkSync(resolveWriteTarget(file));
  },
});

export interface Plan {
  /** null = delete the file (it was created by `enable`). */
  next: string | null;
  changed: boolean;
}

export type ConfigOutcome = "written" | "unchanged" | "removed-file" | "not-installed";

export interface ConfigResult {
  ok: boolean;
  outcome?: ConfigOutcome;
  file: string;
  backup: string | null;
  /** The stage that failed and why (names the file and the fix). */
  error?: string;
  stage?: "reading" | "planning" | "backingUp" | "writing" | "confirming";
}

/** Computes and verifies the new text; throws with a user-facing message. */
export function planConfigEdit(current: string | null, action: ConfigAction, file: string): Plan {
  if (action.kind === "disable") {
    if (current === null) return { next: null, changed: false };
    const st = readManagedState(current);
    if (!st.top && !st.tables && !st.legacy && st.displacedLines === 0) return { next: current, changed: false };
    const next = removeManagedConfig(current);
    const problems = verifyRemoved(next, file);
    if (problems.length) throw new Error(problems.join("\n"));
    if (next === "" && createdByShim(current)) return { next: null, changed: true };
    return { next, changed: next !== current };
  }
  const text = current ?? "";
  // the user's part of the file must parse before we touch it
  parseCodexConfig(removeManagedConfig(text), file);
  const next = installManagedConfig(text, action.settings, { created: current === null });
  const problems = verifyInstalled(text, next, action.settings, file);
  if (problems.length) throw new Error(`refusing to write ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return { next, changed: next !== current };
}

interface Ctx {
  file: string;
  action: ConfigAction;
  deps: ConfigDeps;
  current: string | null;
  plan: Plan | null;
  backup: string | null;
  result: ConfigResult | null;
}

const message = (e: unknown) => (e instanceof ManagedConfigError ? `${(e as Error).message}` : e instanceof ConfigParseError ? e.message : e instanceof Error ? e.message : String(e));

function failure(context: Ctx, stage: NonNullable<ConfigResult["stage"]>, error: unknown): { result: ConfigResult } {
  return {
    result: {
      ok: false,
      file: context.file,
      backup: context.backup,
      stage,
      error: stage === "planning" && error instanceof ManagedConfigError ? `${context.file}: ${message(error)}` : message(error),
    },
  };
}

export const configMachine = setup({
  types: {} as { context: Ctx; input: { file: string; action: ConfigAction; deps: ConfigDeps }; output: ConfigResult },
  actors: {
    read: fromPromise<string | null, Ctx>(({ input }) => input.deps.read(input.file)),
    plan: fromPromise<Plan, Ctx>(async ({ input }) => planConfigEdit(input.current, input.action, input.file)),
    backup: fromPromise<string, Ctx>(({ input }) => input.deps.backup(input.file)),
    write: fromPromise<void, Ctx>(({ input }) => (input.plan!.next === null ? input.deps.remove(input.file) : input.deps.write(input.file, input.plan!.next))),
    confirm: fromPromise<void, Ctx>(async ({ input }) => {
      const back = await input.deps.read(input.file);
      if (back !== input.plan!.next) throw new Error(`${input.file} changed while codex-shim was writing it; check it by hand (backup: ${input.backup ?? "none"})`);
    }),
  },
  guards: {
    unchanged: ({ context }) => !context.plan!.changed,
    hasFile: ({ context }) => context.current !== null,
  },
}).createMachine({
  id: "config",
  context: ({ input }) => ({ ...input, current: null, plan: null, backup: null, result: null }),
  initial: "reading",
  output: ({ context }) => context.result!,
  states: {
    reading: {
      invoke: {
        id: "read",
        src: "read",
        input: ({ context }) => context,
        onDone: { target: "planning", actions: assign({ current: ({ event }) => event.output }) },
        onError: { target: "failed", actions: assign(({ context, event }) => failure(context, "reading", event.error)) },
      },
    },
    planning: {
      invoke: {
        id: "plan",
        src: "plan",
        input: ({ context }) => context,
        onDone: { target: "deciding", actions: assign({ plan: ({ event }) => event.output }) },
        onError: { target: "failed", actions: assign(({ context, event }) => failure(context, "planning", event.error)) },
      },
    },
    deciding: {
      always: [
        {
          guard: "unchanged",
          target: "done",
          actions: assign(({ context }) => ({
            result: { ok: true, outcome: context.current === null ? "not-installed" : "unchanged", file: context.file, backup: null } satisfies ConfigResult,
          })),
        },
        { guard: "hasFile", target: "backingUp" },
        { target: "writing" },
      ],
    },
    backingUp: {
      invoke: {
        id: "backup",
        src: "backup",
        input: ({ context }) => context,
        onDone: { target: "writing", actions: assign({ backup: ({ event }) => event.output }) },
        onError: { target: "failed", actions: assign(({ context, event }) => failure(context, "backingUp", event.error)) },
      },
    },
    writing: {
      invoke: {
        id: "write",
        src: "write",
        input: ({ context }) => context,
        onDone: "confirming",
        onError: { target: "failed", actions: assign(({ context, event }) => failure(context, "writing", event.error)) },
      },
    },
    confirming: {
      invoke: {
        id: "confirm",
        src: "confirm",
        input: ({ context }) => context,
        onDone: {
          target: "done",
          actions: assign(({ context }) => ({
            result: { ok: true, outcome: context.plan!.next === null ? "removed-file" : "written", file: context.file, backup: context.backup } satisfies ConfigResult,
          })),
        },
        onError: { target: "failed", actions: assign(({ context, event }) => failure(context, "confirming", event.error)) },
      },
    },
    done: { type: "final" },
    failed: { type: "final" },
  },
});
