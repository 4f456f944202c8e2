// Draws the request machine (top-level states) as SVG, laid out from the machine itself:
// columns by the longest path from the initial state, the longest chain on the first row.
// The path a request took is highlighted: states visited, each transition taken.
import { s } from "./dom.js";
import { pathOf, topLevelOf } from "./machine-graph.js";

const W = 160, H = 40, GX = 210, GY = 50, PADY = 16;
/** Left margin: labels of the main chain's edges, plus the arcs of back edges (the router's spill) and their labels. */
let PADX = 110;
/** How far left of the column the arcs of back edges run. */
let ARC_INSET = 56;
const LABEL_CHAR = 7;

/** A label in lines: the event, then its guard (`done: pump` / `[streamFailed]`). */
function labelLines(label) {
  const i = label.indexOf(" [");
  return i < 0 ? [label] : [label.slice(0, i), label.slice(i + 1)];
}

/**
 * Top to bottom: the main chain (the longest path from the initial state, preferring states
 * that lead further) in the first column, one row per depth; the other states to its right at
 * their depth.
 */
export function layoutMachine(graph) {
  const top = [...graph.states.values()].filter((st) => st.parentId === graph.rootId).map((st) => st.id);
  const edges = new Map(top.map((id) => [id, new Set()]));
  for (const t of graph.transitions) {
    if (t.source === graph.rootId) continue;
    const from = topLevelOf(graph, t.source);
    for (const target of t.targets) {
      const to = topLevelOf(graph, target);
      if (from !== to && edges.has(from)) edges.get(from).add(to);
    }
  }
  const depth = new Map();
  const onStack = new Set();
  const visit = (id, d) => {
    if (onStack.has(id) || (depth.get(id) ?? -1) >= d) return;
    depth.set(id, d);
    onStack.add(id);
    for (const n of edges.get(id) ?? []) visit(n, d + 1);
    onStack.delete(id);
  };
  if (graph.initialId) visit(graph.initialId, 0);
  const maxDepth = Math.max(0, ...depth.values());
  // how far a state leads (longest path to a state with no way on), to pick the main chain
  const reach = new Map();
  const reachOf = (id, seen = new Set()) => {
    if (reach.has(id)) return reach.get(id);
    if (seen.has(id)) return 0;
    seen.add(id);
    const r = Math.max(0, ...[...(edges.get(id) ?? [])].filter((n) => (depth.get(n) ?? 0) > (depth.get(id) ?? 0)).map((n) => 1 + reachOf(n, seen)));
    reach.set(id, r);
    return r;
  };
  const cell = new Map();
  const used = new Set();
  let cur = graph.initialId;
  while (cur && !cell.has(cur)) {
    cell.set(cur, { col: 0, row: depth.get(cur) ?? 0 });
    used.add(`0:${depth.get(cur) ?? 0}`);
    const next = [...(edges.get(cur) ?? [])].filter((n) => (depth.get(n) ?? 0) > (depth.get(cur) ?? 0) && !cell.has(n));
    next.sort((a, b) => reachOf(b) - reachOf(a) || (graph.states.get(a).type === "final") - (graph.states.get(b).type === "final"));
    cur = next[0];
  }
  for (const id of top) {
    if (cell.has(id)) continue;
    let row = depth.get(id) ?? maxDepth, col = 1;
    while (used.has(`${col}:${row}`)) {
      if (row < maxDepth + 1) row++;
      else { col++; row = depth.get(id) ?? maxDepth; }
    }
    used.add(`${col}:${row}`);
    cell.set(id, { col, row });
  }
  const cols = Math.max(...[...cell.values()].map((c) => c.col)) + 1;
  const rows = Math.max(...[...cell.values()].map((c) => c.row)) + 1;
  // room on the left: the labels of edges one row down the column, then the arcs of the others
  // (back edges such as the router's spill, skips) with their labels, all wrapped before the guard
  let chainLabel = 0, arcLabel = 0;
  for (const t of graph.transitions) {
    if (t.source === graph.rootId) continue;
    const a = cell.get(topLevelOf(graph, t.source));
    for (const target of t.targets) {
      const b = cell.get(topLevelOf(graph, target));
      if (!a || !b || a === b || a.col !== b.col) continue;
      const len = Math.max(...labelLines(t.label).map((l) => l.length)) * LABEL_CHAR;
      if (b.row === a.row + 1) chainLabel = Math.max(chainLabel, len);
      else arcLabel = Math.max(arcLabel, len);
    }
  }
  const chainLeft = chainLabel + 30 - W / 2; // how far the chain's labels reach left of a node
  ARC_INSET = chainLeft + 16;
  PADX = Math.max(110, 12 + chainLeft, arcLabel ? 12 + arcLabel + 8 + ARC_INSET : 0);
  const pos = new Map([...cell].map(([id, c]) => [id, { x: PADX + c.col * (W + GX), y: PADY + c.row * (H + GY), col: c.col, row: c.row }]));
  return { top, pos, cols, rows };
}

/** The path of an edge from a to b and where its label goes; `k` of `n` parallel edges. */
function route(a, b, k, n) {
  const spread = (k - (n - 1) / 2);
  if (a.col === b.col) {
    const x = a.x + W / 2 + spread * 22;
    if (b.row === a.row + 1) {
      const y1 = b.row > a.row ? a.y + H : a.y, y2 = b.row > a.row ? b.y : b.y + H;
      return { d: `M${x},${y1} L${x},${y2}`, lx: a.x + W / 2 - 30 + spread * 22, ly: (y1 + y2) / 2 + 4 + spread * 13, anchor: "end", wrap: n === 1 };
    }
    // a back edge or one that skips rows: an arc out to the left of the column
    const x1 = a.x, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, bx = a.x - ARC_INSET - k * 12;
    return { d: `M${x1},${y1} C${bx},${y1} ${bx},${y2} ${x2},${y2}`, lx: bx + (x1 - bx) * 0.25 - 8, ly: (y1 + y2) / 2 + 4, anchor: "end", wrap: true };
  }
  // side edges: `k` of the `n` leaving this state sideways, fanned out over its side
  const right = b.x > a.x;
  const x1 = right ? a.x + W : a.x, y1 = a.y + H / 2 + spread * 8;
  const x2 = right ? b.x : b.x + W, y2 = b.y + H / 2;
  const mx = (x1 + x2) / 2;
  return { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, lx: x1 + (right ? 10 : -10), ly: a.y + H / 2 + 4 + spread * 14, anchor: right ? "start" : "end" };
}

function shortKey(graph, id) {
  return graph.states.get(id)?.key ?? id;
}

/** The machine as SVG, with `trace`'s path highlighted (trace may be null). */
export function renderMachineDiagram(graph, trace, layout = layoutMachine(graph)) {
  const path = trace ? pathOf(graph, trace) : { taken: [], visited: new Set(), current: null };
  const takenIds = new Set(path.taken.filter((p) => !p.fromAnyState).map((p) => p.transition.id));
  const width = PADX + layout.cols * W + (layout.cols - 1) * GX + 40;
  const height = PADY * 2 + layout.rows * H + (layout.rows - 1) * GY + 24;
  const svg = s("svg", { class: "machine", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Request machine with the path this request took" });
  svg.appendChild(
    s("defs", null,
      s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 10, markerHeight: 10, orient: "auto-start-reverse" }, s("path", { d: "M0,0L10,5L0,10z", class: "arrowhead" })),
      s("marker", { id: "arrow-hit", viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 13, markerHeight: 13, orient: "auto-start-reverse" }, s("path", { d: "M0,0L10,5L0,10z", class: "arrowhead hit" })),
    ),
  );
  const edgeLayer = s("g", { class: "edges" });
  const labelLayer = s("g", { class: "labels" });
  svg.appendChild(edgeLayer);

  // group transitions by (from, to) so parallel ones get their own offset
  const pairs = new Map();
  for (const t of graph.transitions) {
    if (t.source === graph.rootId) continue;
    const from = topLevelOf(graph, t.source);
    for (const target of t.targets) {
      const to = topLevelOf(graph, target);
      if (from === to || !layout.pos.has(from) || !layout.pos.has(to)) continue;
      const k = `${from}>${to}`;
      if (!pairs.has(k)) pairs.set(k, []);
      pairs.get(k).push(t);
    }
  }
  const drawEdge = (a, b, k, n, label, hit, tid, dashed) => {
    const c = route(a, b, k, n);
    edgeLayer.appendChild(s("path", { class: ["edge", hit && "hit", dashed && "dashed"], d: c.d, "marker-end": hit ? "url(#arrow-hit)" : "url(#arrow)", dataset: { tid } }));
    const lines = c.wrap ? labelLines(label) : [label];
    const text = s("text", { class: ["elabel", hit && "hit"], x: c.lx, y: c.ly, "text-anchor": c.anchor, dataset: { tid } },
      lines.map((l, i) => s("tspan", { x: c.lx, dy: i === 0 ? (lines.length - 1) * -6.5 : 13 }, l)));
    labelLayer.appendChild(text);
  };
  // edges within a column fan out per pair; sideways edges per source state
  const rootTs = graph.transitions.filter((t) => t.source === graph.rootId);
  const edgesOut = [];
  for (const [k, list] of pairs) {
    const [from, to] = k.split(">");
    list.forEach((t, i) => edgesOut.push({ from, to, k: i, n: list.length, label: t.label, hit: takenIds.has(t.id), tid: t.id, dashed: false }));
  }
  for (const t of rootTs) {
    const to = t.targets[0] && topLevelOf(graph, t.targets[0]);
    for (const p of path.taken.filter((x) => x.transition.id === t.id)) {
      if (layout.pos.has(p.from) && layout.pos.has(to)) edgesOut.push({ from: p.from, to, k: 0, n: 1, label: `${t.label} (from ${shortKey(graph, p.from)})`, hit: true, tid: t.id, dashed: true });
    }
  }
  const sideways = new Map();
  for (const e of edgesOut) {
    if (layout.pos.get(e.from).col === layout.pos.get(e.to).col) continue;
    if (!sideways.has(e.from)) sideways.set(e.from, []);
    sideways.get(e.from).push(e);
  }
  for (const list of sideways.values()) {
    list.sort((x, y) => layout.pos.get(x.to).row - layout.pos.get(y.to).row);
    list.forEach((e, i) => Object.assign(e, { k: i, n: list.length }));
  }
  for (const e of edgesOut) drawEdge(layout.pos.get(e.from), layout.pos.get(e.to), e.k, e.n, e.label, e.hit, e.tid, e.dashed);
  for (const t of rootTs) {
    const to = t.targets[0] && topLevelOf(graph, t.targets[0]);
    const b = layout.pos.get(to);
    if (!b) continue;
    labelLayer.appendChild(s("text", { class: "elabel anystate", x: b.x + W / 2, y: b.y + H + 15, "text-anchor": "middle", dataset: { tid: t.id } }, `${t.label}: from any state`));
  }
  svg.appendChild(labelLayer);

  for (const id of layout.top) {
    const p = layout.pos.get(id);
    const st = graph.states.get(id);
    const final = st.type === "final";
    const isInitial = id === graph.initialId;
    const isCurrent = trace && path.current === id;
    const outcomeClass = isCurrent && final ? `end-${st.key}` : "";
    const g = s("g", { class: ["node", path.visited.has(id) && trace && "hit", isCurrent && "current", final && "final", outcomeClass] });
    g.appendChild(s("rect", { x: p.x, y: p.y, width: W, height: H, rx: 9 }));
    if (final) g.appendChild(s("rect", { class: "inner", x: p.x + 4, y: p.y + 4, width: W - 8, height: H - 8, rx: 6 }));
    g.appendChild(s("text", { x: p.x + W / 2, y: p.y + H / 2 + 5, "text-anchor": "middle" }, shortKey(graph, id)));
    if (isInitial) {
      g.appendChild(s("circle", { class: "initial", cx: p.x - 14, cy: p.y + H / 2, r: 5 }));
      g.appendChild(s("path", { class: "edge", d: `M${p.x - 9},${p.y + H / 2} L${p.x},${p.y + H / 2}`, "marker-end": "url(#arrow)" }));
    }
    svg.appendChild(g);
  }
  return svg;
}
