import type { ExportedMachine } from "../machine-export.ts";

export interface GraphState {
  id: string;
  key: string;
  parentId: string | null;
  type: string;
  depth: number;
  initial: string | null;
}
export interface GraphTransition {
  id: string;
  source: string;
  targets: string[];
  event: string;
  guard: string | null;
  otherwise: boolean;
  label: string;
}
export interface MachineGraph {
  rootId: string;
  initialId: string | null;
  states: Map<string, GraphState>;
  transitions: GraphTransition[];
  byId: Map<string, GraphTransition>;
}
export function transitionId(stateId: string, event: string, index: number): string;
export function eventLabel(event: string): string;
export function machineGraph(config: ExportedMachine): MachineGraph;
export function topLevelOf(graph: MachineGraph, id: string): string;
export function pathOf(graph: MachineGraph, trace: { steps?: { transitions?: string[] }[] }): {
  taken: { transition: GraphTransition; from: string | null; to: string | null; fromAnyState: boolean }[];
  visited: Set<string>;
  current: string | null;
};
