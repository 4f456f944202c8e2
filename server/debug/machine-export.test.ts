import { describe, expect, it } from "vitest";
import { createMachine, type AnyStateMachine } from "xstate";
import { toDirectedGraph } from "@xstate/graph";
import { requestMachine } from "../../machines/request.machine.ts";
import { exportMachineConfig, indexTransitions, transitionId } from "./machine-export.ts";
import { machineGraph } from "./client/machine-graph.js";

function edges(m: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (n: ReturnType<typeof toDirectedGraph>) => {
    for (const e of n.edges) out.push(`${e.source.id}>${e.target.id}:${e.label.text}`);
    n.children.forEach(walk);
  };
  walk(toDirectedGraph(m));
  return out.sort();
}

function allTransitions(m: AnyStateMachine): { id: string; guard?: string; targets: string[] }[] {
  const out: { id: string; guard?: string; targets: string[] }[] = [];
  const walk = (node: AnyStateMachine["root"]) => {
    for (const [ev, ts] of node.transitions) ts.forEach((t, i) => out.push({ id: transitionId(node.id, ev, i), guard: (t.guard as string | undefined) ?? undefined, targets: (t.target ?? []).map((x) => x.id) }));
    node.always?.forEach((t, i) => out.push({ id: transitionId(node.id, "always", i), guard: (t.guard as string | undefined) ?? undefined, targets: (t.target ?? []).map((x) => x.id) }));
    for (const c of Object.values(node.states)) walk(c as AnyStateMachine["root"]);
  };
  walk(m.root);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

describe("/debug/machine export", () => {
  const config = exportMachineConfig(requestMachine);

  it("is plain JSON that XState imports into the same machine (states, initial, finals, guarded and eventless transitions)", () => {
    const json = JSON.parse(JSON.stringify(config));
    const imported = createMachine(json);
    expect(edges(imported)).toEqual(edges(requestMachine));
    expect(allTransitions(imported)).toEqual(allTransitions(requestMachine));
    expect(json.initial).toBe(requestMachine.root.initial.target[0].key);
    const finals = Object.entries(json.states as Record<string, { type?: string }>).filter(([, s]) => s.type === "final").map(([k]) => k);
    expect(finals.sort()).toEqual(Object.values(requestMachine.root.states).filter((s) => s.type === "final").map((s) => s.key).sort());
    // guards by name, invoked actors by name
    expect(JSON.stringify(json)).toContain('"guard":"hasSelection"');
    expect(json.states.streaming.invoke[0].src).toBe("pump");
  });

  it("gives every transition an id, and the page derives exactly the same ids from the export", () => {
    const ids = indexTransitions(requestMachine);
    const fromMachine = allTransitions(requestMachine).map((t) => t.id);
    const walkCount = fromMachine.length;
    const page = machineGraph(JSON.parse(JSON.stringify(config)));
    expect(page.transitions.map((t) => t.id).sort()).toEqual([...fromMachine].sort());
    expect(walkCount).toBeGreaterThan(8);
    // every definition object is indexed
    let indexed = 0;
    const walk = (node: AnyStateMachine["root"]) => {
      for (const ts of node.transitions.values()) for (const t of ts) if (ids.get(t)) indexed++;
      for (const t of node.always ?? []) if (ids.get(t)) indexed++;
      for (const c of Object.values(node.states)) walk(c as AnyStateMachine["root"]);
    };
    walk(requestMachine.root);
    expect(indexed).toBe(walkCount);
  });

  it("labels guarded candidates and their unguarded fallback apart", () => {
    const page = machineGraph(JSON.parse(JSON.stringify(config)));
    const out = page.transitions.filter((t) => t.source === "request.streaming").map((t) => t.label);
    expect(out).toEqual(["done: pump [pumpAborted]", "done: pump [streamFailed]", "done: pump [otherwise]", "error: pump"]);
  });
});
