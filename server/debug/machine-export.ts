import type { AnyStateMachine } from "xstate";

/**
 * The request machine as an XState machine config (JSON), generated from the machine
 * definition: what `createMachine()` and Stately's visualizer import. Targets are absolute
 * (`#request.connecting`), guards and actors by name; inline actions (assign) are listed as
 * `xstate.assign`, since their code is not data.
 *
 * Transition ids (`<state id>|<event>|<index>`, the event `always` for eventless ones) name one
 * transition of the definition; traces record them, and the page derives the same ids from
 * this config (server/debug/client/machine-graph.js).
 */

type Node = AnyStateMachine["root"];
type TransitionDef = ReturnType<Node["transitions"]["get"]> extends (infer T)[] | undefined ? T : never;

export interface ExportedTransition {
  target?: string | string[];
  guard?: string;
  actions?: string[];
  reenter?: boolean;
}

export interface ExportedState {
  id?: string;
  type?: "final" | "parallel" | "history";
  initial?: string;
  entry?: string[];
  exit?: string[];
  invoke?: { id: string; src: string; onDone?: ExportedTransition[]; onError?: ExportedTransition[] }[];
  on?: Record<string, ExportedTransition[]>;
  always?: ExportedTransition[];
  states?: Record<string, ExportedState>;
  description?: string;
}

export type ExportedMachine = ExportedState & { id: string };

function actionName(a: unknown): string {
  if (typeof a === "string") return a;
  if (typeof a === "function") {
    const f = a as { type?: string; name?: string };
    return f.type ?? (f.name && f.name !== "anonymous" ? f.name : "(inline)");
  }
  if (a && typeof a === "object" && typeof (a as { type?: unknown }).type === "string") return (a as { type: string }).type;
  return "(inline)";
}

function guardName(g: unknown): string | undefined {
  if (g === undefined || g === null) return undefined;
  if (typeof g === "string") return g;
  if (typeof g === "object" && typeof (g as { type?: unknown }).type === "string") return (g as { type: string }).type;
  return "(inline guard)";
}

function exportTransition(t: TransitionDef): ExportedTransition {
  const out: ExportedTransition = {};
  if (t.target?.length) out.target = t.target.length === 1 ? `#${t.target[0].id}` : t.target.map((n) => `#${n.id}`);
  const guard = guardName(t.guard);
  if (guard) out.guard = guard;
  if (t.actions.length) out.actions = t.actions.map(actionName);
  if (t.reenter) out.reenter = true;
  return out;
}

function exportNode(node: Node): ExportedState {
  const out: ExportedState = {};
  const children = Object.entries(node.states);
  const initial = node.initial?.target?.[0];
  if (children.length && initial && node.type !== "parallel") out.initial = initial.key;
  if (node.type === "final" || node.type === "parallel" || node.type === "history") out.type = node.type;
  if (node.description) out.description = node.description;
  if (node.entry.length) out.entry = node.entry.map(actionName);
  if (node.exit.length) out.exit = node.exit.map(actionName);
  const handled = new Set<string>();
  if (node.invoke.length) {
    out.invoke = node.invoke.map((inv) => {
      const done = `xstate.done.actor.${inv.id}`;
      const error = `xstate.error.actor.${inv.id}`;
      handled.add(done).add(error);
      const entry: NonNullable<ExportedState["invoke"]>[number] = { id: inv.id, src: typeof inv.src === "string" ? inv.src : inv.id };
      const onDone = node.transitions.get(done);
      const onError = node.transitions.get(error);
      if (onDone) entry.onDone = onDone.map(exportTransition);
      if (onError) entry.onError = onError.map(exportTransition);
      return entry;
    });
  }
  for (const [event, ts] of node.transitions) {
    if (handled.has(event)) continue;
    (out.on ??= {})[event] = ts.map(exportTransition);
  }
  if (node.always?.length) out.always = node.always.map(exportTransition);
  if (children.length) {
    out.states = Object.fromEntries(children.map(([key, child]) => [key, exportNode(child as Node)]));
  }
  return out;
}

export function exportMachineConfig(machine: AnyStateMachine): ExportedMachine {
  return { id: machine.root.id, ...exportNode(machine.root) };
}

export function transitionId(stateId: string, event: string, index: number): string {
  return `${stateId}|${event || "always"}|${index}`;
}

/** Every transition definition of the machine → its id (the objects the actor's microsteps report). */
export function indexTransitions(machine: AnyStateMachine): WeakMap<object, string> {
  const ids = new WeakMap<object, string>();
  const walk = (node: Node) => {
    for (const [event, ts] of node.transitions) ts.forEach((t, i) => ids.set(t, transitionId(node.id, event, i)));
    node.always?.forEach((t, i) => ids.set(t, transitionId(node.id, "always", i)));
    for (const child of Object.values(node.states)) walk(child as Node);
  };
  walk(machine.root);
  return ids;
}
