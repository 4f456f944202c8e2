/**
 * GET /debug: a self-contained page (no network, no external scripts) that draws the request
 * machine from `/debug/machine` and replays recent request flows from `/debug/requests`:
 * pick a request and the states it went through are highlighted, with the events in order.
 */
export function debugPageHtml(version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>codex-shim · request flows</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { color-scheme: dark; --bg:#111418; --panel:#1a1f26; --line:#3a4452; --text:#d8dee9; --dim:#8a94a3; --hit:#4fb3ff; --ok:#5fd38d; --bad:#ff6b6b; --warn:#f5c04a; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); display:grid; grid-template-columns: 340px 1fr; height:100vh; }
  aside { border-right:1px solid var(--line); overflow:auto; }
  h1 { font-size:15px; margin:12px; } h1 small { color:var(--dim); font-weight:normal; }
  .req { padding:8px 12px; border-top:1px solid var(--line); cursor:pointer; }
  .req:hover, .req.sel { background:var(--panel); }
  .req .m { color:var(--dim); font-size:12px; }
  .done { color:var(--ok); } .failed { color:var(--bad); } .aborted { color:var(--warn); }
  main { padding:16px; overflow:auto; }
  svg text { fill:var(--text); font-size:13px; }
  .node rect { fill:var(--panel); stroke:var(--line); rx:8; }
  .node.hit rect { stroke:var(--hit); stroke-width:2.5; }
  .edge { stroke:var(--line); fill:none; marker-end:url(#arrow); }
  .edge.hit { stroke:var(--hit); stroke-width:2; }
  .elabel { fill:var(--dim) !important; font-size:11px !important; }
  ol { color:var(--dim); } ol b { color:var(--text); font-weight:500; }
  button { background:var(--panel); color:var(--text); border:1px solid var(--line); border-radius:6px; padding:4px 10px; margin:0 12px 8px; cursor:pointer; }
</style></head>
<body>
<aside><h1>codex-shim <small>${version}</small><br><small>recent request flows</small></h1><button id="reload">Refresh</button><div id="list"></div></aside>
<main><svg id="graph" viewBox="0 0 1240 370" style="width:100%;max-width:1240px"></svg><h3 id="title">Pick a request</h3><ol id="steps"></ol></main>
<script>
const order = ["classifying","selecting","connecting","streaming","caching","done","failed","aborted"];
const pos = { classifying:[20,60], selecting:[230,60], connecting:[440,60], streaming:[650,60], caching:[860,60], done:[1070,60], failed:[545,220], aborted:[860,300] };
let graph = { edges: [] };
const short = (id) => id.replace(/^request\\./, "");
function draw(hitStates, hitEdges) {
  const svg = document.getElementById("graph");
  let s = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#3a4452"/></marker></defs>';
  const groups = new Map();
  for (const e of graph.edges) {
    const f = short(e.from), t = short(e.to);
    if (!pos[f] || !pos[t] || f === t) continue;
    const k = f + ">" + t;
    if (!groups.has(k)) groups.set(k, new Set());
    if (e.on) groups.get(k).add(e.on.replace(/^xstate\\.(done|error)\\.actor\\./, "$1:"));
  }
  for (const [k, labels] of groups) {
    const [f, t] = k.split(">"); const a = pos[f], b = pos[t];
    const hit = hitEdges.has(k);
    const text = [...labels].join(" / ");
    if (a[1] === b[1] && b[0] < a[0]) {
      // a back edge on the row (the router's spill: connecting → selecting): an arc over the nodes
      const bx1 = a[0] + 70, bx2 = b[0] + 70, y = a[1];
      s += '<path class="edge' + (hit ? ' hit' : '') + '" d="M' + bx1 + ',' + y + ' C' + bx1 + ',' + (y - 48) + ' ' + bx2 + ',' + (y - 48) + ' ' + bx2 + ',' + y + '"/>';
      if (text) s += '<text class="elabel" x="' + (bx1 + bx2) / 2 + '" y="' + (y - 40) + '" text-anchor="middle">' + text + ' (spill)</text>';
      continue;
    }
    const x1 = a[0] + 140, y1 = a[1] + 20, x2 = b[0], y2 = b[1] + 20;
    const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    s += '<path class="edge' + (hit ? ' hit' : '') + '" d="M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2 + '"/>';
    if (text) s += '<text class="elabel" x="' + (y1 === y2 ? mx : mx + 6) + '" y="' + (y1 === y2 ? y1 - 28 : my) + '" text-anchor="' + (y1 === y2 ? "middle" : "start") + '">' + text + '</text>';
  }
  for (const st of order) {
    const [x, y] = pos[st];
    s += '<g class="node' + (hitStates.has(st) ? ' hit' : '') + '"><rect x="' + x + '" y="' + y + '" width="140" height="40"/><text x="' + (x + 70) + '" y="' + (y + 25) + '" text-anchor="middle">' + st + '</text></g>';
  }
  s += '<text class="elabel" x="930" y="360" text-anchor="middle">CLIENT_ABORT from any state</text>';
  svg.innerHTML = s;
}
function show(r, el) {
  document.querySelectorAll(".req").forEach((x) => x.classList.remove("sel")); el.classList.add("sel");
  const states = new Set(["classifying"]); const edges = new Set(); let prev = "classifying";
  for (const st of r.steps) {
    let v = st.state;
    // a spill: connect failed and the request went through selecting to the next candidate
    if (v === "connecting" && prev === "connecting" && st.event === "xstate.error.actor.connect") { edges.add("connecting>selecting"); edges.add("selecting>connecting"); continue; }
    if (!v || v === prev) continue;
    if (prev === "classifying") { edges.add("classifying>selecting"); states.add("selecting"); prev = "selecting"; } // transient state
    edges.add(prev + ">" + v); states.add(v); prev = v;
  }
  if (r.final) { states.add(r.final); if (prev !== r.final) edges.add(prev + ">" + r.final); }
  draw(states, edges);
  document.getElementById("title").textContent = r.id + " · " + r.model + " · " + (r.final || "in flight");
  document.getElementById("steps").innerHTML = r.steps.map((s) => "<li>+" + s.at + " ms <b>" + s.event + "</b> → " + (s.state || "?") + "</li>").join("");
}
async function load() {
  graph = await (await fetch("/debug/machine")).json();
  const reqs = await (await fetch("/debug/requests")).json();
  const list = document.getElementById("list"); list.innerHTML = "";
  for (const r of reqs) {
    const d = document.createElement("div"); d.className = "req";
    d.innerHTML = '<div><span class="' + (r.final || "") + '">' + (r.final || "…") + "</span> " + r.model + '</div><div class="m">' + r.id + " · " + new Date(r.startedAt).toLocaleTimeString() + "</div>";
    d.onclick = () => show(r, d); list.appendChild(d);
  }
  draw(new Set(), new Set());
  if (reqs[0]) show(reqs[0], list.firstChild);
}
document.getElementById("reload").onclick = load;
load();
</script></body></html>`;
}
