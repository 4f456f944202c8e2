// The request machine's states and transitions, read from its exported XState config
// (GET /debug/machine). Transition ids follow server/debug/machine-export.ts:
// `<state id>|<event>|<index>`, `always` for eventless transitions.

export function transitionId(stateId, event, index) {
  return `${stateId}|${event || "always"}|${index}`;
}

function resolveTarget(target, source, parentId) {
  if (target.startsWith("#")) return target.slice(1);
  if (target.startsWith(".")) return `${source}${target}`;
  return parentId ? `${parentId}.${target}` : target;
}

/** "xstate.done.actor.pump" → "done: pump" */
export function eventLabel(event) {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event);
  if (m) return `${m[1]}: ${m[2]}`;
  return event === "always" ? "always" : event;
}

/**
 * { rootId, initialId, states: Map<id, {id, key, parentId, type, depth}>, transitions: [...] }.
 * A transition: { id, source, targets, event, guard, otherwise, label }; `otherwise` marks the
 * unguarded fallback after guarded candidates for the same event.
 */
export function machineGraph(config) {
  const states = new Map();
  const transitions = [];
  const rootId = config.id;
  const add = (stateId, parentId, event, list) => {
    (Array.isArray(list) ? list : [list]).forEach((t, i, all) => {
      const tt = typeof t === "string" ? { target: t } : t;
      const targets = tt.target === undefined ? [] : (Array.isArray(tt.target) ? tt.target : [tt.target]).map((x) => resolveTarget(x, stateId, parentId));
      const otherwise = !tt.guard && i > 0 && all.slice(0, i).some((p) => p.guard);
      const guard = tt.guard ?? null;
      const label = eventLabel(event) + (guard ? ` [${guard}]` : otherwise ? " [otherwise]" : "");
      transitions.push({ id: transitionId(stateId, event, i), source: stateId, targets, event, guard, otherwise, label });
    });
  };
  const walk = (node, id, key, parentId, depth) => {
    states.set(id, { id, key, parentId, type: node.type ?? (node.states ? "compound" : "atomic"), depth, initial: node.initial ? `${id}.${node.initial}` : null });
    for (const inv of node.invoke ?? []) {
      if (inv.onDone) add(id, parentId, `xstate.done.actor.${inv.id}`, inv.onDone);
      if (inv.onError) add(id, parentId, `xstate.error.actor.${inv.id}`, inv.onError);
    }
    for (const [event, list] of Object.entries(node.on ?? {})) add(id, parentId, event, list);
    if (node.always) add(id, parentId, "always", node.always);
    for (const [k, child] of Object.entries(node.states ?? {})) walk(child, child.id ?? `${id}.${k}`, k, id, depth + 1);
  };
  walk(config, rootId, rootId, null, 0);
  return { rootId, initialId: config.initial ? `${rootId}.${config.initial}` : null, states, transitions, byId: new Map(transitions.map((t) => [t.id, t])) };
}

/** The top-level state (child of the root) a state id belongs to. */
export function topLevelOf(graph, id) {
  let s = graph.states.get(id);
  while (s && s.parentId && s.parentId !== graph.rootId) s = graph.states.get(s.parentId);
  return s?.id ?? id;
}

/**
 * The path a trace took: transitions taken in order, each with the state it left and the state it
 * entered, and the states visited. A transition of the root (`CLIENT_ABORT` from any state) is
 * attributed to the state the request was in.
 */
export function pathOf(graph, trace) {
  const taken = [];
  const visited = new Set(graph.initialId ? [graph.initialId] : []);
  let current = graph.initialId;
  for (const step of trace.steps ?? []) {
    for (const tid of step.transitions ?? []) {
      const t = graph.byId.get(tid);
      if (!t) continue;
      const to = t.targets[0] ? topLevelOf(graph, t.targets[0]) : current;
      const from = t.source === graph.rootId ? current : topLevelOf(graph, t.source);
      taken.push({ transition: t, from, to, fromAnyState: t.source === graph.rootId, step });
      if (to) visited.add(to);
      current = to;
    }
  }
  return { taken, visited, current };
}
