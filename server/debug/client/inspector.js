// The flow inspector's entry point: loads the machine and the recent requests, keeps them live
// over /debug/events (SSE), and wires the list, the filters, the detail view and the capture switch.
import { h, replaceChildren } from "./dom.js";
import { machineGraph } from "./machine-graph.js";
import { RequestList } from "./request-list.js";
import { renderDetail } from "./request-detail.js";
import { renderTranslation } from "./translation-view.js";
import { ENDPOINT_LABEL, isProblem } from "./format.js";

const state = { graph: null, traces: new Map(), selected: null, paused: false, pending: [], capture: false, captures: new Map() };

const version = document.body.dataset.version ?? "";
const liveDot = h("span", { class: "live", role: "status" }, "connecting…");
const pauseBtn = h("button", { type: "button", "aria-pressed": "false", title: "Stop applying live updates (they are kept and applied on resume)" }, "Pause");
const captureBox = h("input", { type: "checkbox", id: "capture" });
const captureLabel = h("label", { for: "capture", class: "switch", title: "Keeps the prompt text of the next requests in memory (last 20, 64 MiB at most; keys and auth headers removed) to show what the translator changed. Also: \"debug\": {\"capture\": true} in models.json or CODEX_SHIM_DEBUG_CAPTURE=1." }, captureBox, " Capture prompts for the translation diff");
const counts = h("span", { class: "counts" });

const search = h("input", { type: "search", placeholder: "Search id, resp_…, model, thread, tool, error…", "aria-label": "Search requests", id: "search" });
const outcomeSel = h("select", { "aria-label": "Outcome" },
  h("option", { value: "" }, "All outcomes"), h("option", { value: "problems" }, "Problems (failed, rejected, incomplete)"),
  ["completed", "in_flight", "failed", "rejected", "aborted", "incomplete"].map((o) => h("option", { value: o }, o.replace("_", " "))));
const endpointSel = h("select", { "aria-label": "Endpoint" }, h("option", { value: "" }, "All endpoints"), Object.entries(ENDPOINT_LABEL).map(([k, v]) => h("option", { value: k }, v)));
const modelSel = h("select", { "aria-label": "Model" }, h("option", { value: "" }, "All models"));

const listPane = h("div", { class: "listpane" });
const detailPane = h("main", { class: "detailpane", tabindex: "-1" }, h("p", { class: "empty" }, "Loading…"));
const list = new RequestList(listPane, { onSelect: (id) => selectTrace(id) });

document.body.append(
  h("header", { class: "top" },
    h("h1", null, "codex-shim ", h("span", { class: "dim" }, "flow inspector"), h("span", { class: "ver" }, version)),
    liveDot, pauseBtn, counts, captureLabel),
  h("div", { class: "layout" },
    h("aside", { class: "sidebar", "aria-label": "Requests" },
      h("div", { class: "filters" }, search, h("div", { class: "selects" }, outcomeSel, endpointSel, modelSel)),
      listPane),
    detailPane));

function applyFilter() {
  list.setFilter({ query: search.value.trim(), outcome: outcomeSel.value, endpoint: endpointSel.value, model: modelSel.value });
}
for (const el of [outcomeSel, endpointSel, modelSel]) el.addEventListener("change", applyFilter);
search.addEventListener("input", applyFilter);
document.addEventListener("keydown", (e) => {
  if (e.key === "/" && document.activeElement !== search) {
    e.preventDefault();
    search.focus();
  } else if (e.key === "Escape" && document.activeElement === search) {
    search.value = "";
    applyFilter();
    list.el.focus();
  }
});

function updateCounts() {
  const all = [...state.traces.values()];
  const inFlight = all.filter((t) => t.outcome === "in_flight").length;
  const problems = all.filter(isProblem).length;
  replaceChildren(counts, `${all.length} requests`, inFlight ? ` · ${inFlight} in flight` : "", problems ? h("span", { class: "bad" }, ` · ${problems} problem${problems === 1 ? "" : "s"}`) : "");
  const models = [...new Set(all.flatMap((t) => [t.requestedModel, t.model]).filter(Boolean))].sort();
  const cur = modelSel.value;
  if (models.join("\n") !== modelSel.dataset.models) {
    modelSel.dataset.models = models.join("\n");
    replaceChildren(modelSel, h("option", { value: "" }, "All models"), models.map((m) => h("option", { value: m }, m)));
    modelSel.value = models.includes(cur) ? cur : "";
  }
}

function upsert(t) {
  const prev = state.traces.get(t.id);
  if (prev && prev.rev > t.rev) return;
  state.traces.set(t.id, t);
  list.upsert(t);
  if (t.id === state.selected) renderSelected();
}

function selectTrace(id) {
  state.selected = id;
  if (location.hash.slice(1) !== encodeURIComponent(id)) history.replaceState(null, "", `#${encodeURIComponent(id)}`);
  renderSelected({ scrollTop: true });
}

async function loadCapture(id) {
  if (state.captures.has(id)) return;
  state.captures.set(id, "loading");
  const res = await fetch(`/debug/requests/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
  state.captures.set(id, res.ok ? (await res.json()).capture : null);
  if (state.selected === id) renderSelected();
}

function renderSelected({ scrollTop = false } = {}) {
  const t = state.traces.get(state.selected);
  if (!t) {
    replaceChildren(detailPane, h("p", { class: "empty" }, state.selected ? `Request ${state.selected} is not in memory any more (the inspector keeps the most recent requests).` : state.traces.size ? "Pick a request." : "No requests yet."));
    return;
  }
  const keep = detailPane.scrollTop;
  const detail = renderDetail(t, state.graph);
  const done = t.outcome !== "in_flight";
  if (t.captured && done) {
    const cap = state.captures.get(t.id);
    if (cap === undefined) loadCapture(t.id);
    else if (cap !== "loading") detail.appendChild(renderTranslation(t, cap));
  } else if (!t.captured && done && t.outcome !== "rejected") {
    detail.appendChild(h("section", { class: "card translation" }, h("h3", null, "What the translator changed"),
      h("p", { class: "empty" }, "Not captured. Tick “Capture prompts” above (or set \"debug\": {\"capture\": true} in models.json, or CODEX_SHIM_DEBUG_CAPTURE=1) and the next requests show the request Codex sent beside the one sent upstream, and both streams.")));
  }
  replaceChildren(detailPane, detail);
  detailPane.scrollTop = scrollTop ? 0 : keep;
}

function applyBatch(batch) {
  for (const t of batch) upsert(t);
  updateCounts();
}

pauseBtn.addEventListener("click", () => {
  state.paused = !state.paused;
  pauseBtn.setAttribute("aria-pressed", String(state.paused));
  if (!state.paused) {
    const batch = state.pending;
    state.pending = [];
    applyBatch(batch);
    if (state.reloadOnResume) {
      state.reloadOnResume = false;
      loadAll();
    }
  }
  showLive();
});

let connected = false;
function showLive() {
  liveDot.className = `live ${state.paused ? "paused" : connected ? "on" : "off"}`;
  liveDot.textContent = state.paused ? `paused${state.pending.length ? ` · ${state.pending.length} updates waiting` : ""}` : connected ? "live" : "reconnecting…";
  pauseBtn.textContent = state.paused ? "Resume" : "Pause";
}

captureBox.addEventListener("change", async () => {
  const res = await fetch("/debug/capture", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled: captureBox.checked }) });
  if (res.ok) setCapture((await res.json()).enabled);
  else setCapture(!captureBox.checked);
});
function setCapture(on) {
  state.capture = on;
  captureBox.checked = on;
  captureLabel.classList.toggle("on", on);
}

async function loadAll() {
  const traces = await (await fetch("/debug/requests")).json();
  list.retain(new Set(traces.map((t) => t.id)));
  for (const id of [...state.traces.keys()]) if (!traces.some((t) => t.id === id)) state.traces.delete(id);
  for (const t of [...traces].reverse()) upsert(t);
  list.updateEmpty();
  updateCounts();
}

function connect() {
  const es = new EventSource("/debug/events");
  es.addEventListener("hello", (e) => {
    connected = true;
    setCapture(JSON.parse(e.data).capture);
    showLive();
    // fill anything missed while disconnected (after a resume, when paused)
    if (state.paused) state.reloadOnResume = true;
    else loadAll();
  });
  es.addEventListener("traces", (e) => {
    const batch = JSON.parse(e.data);
    if (state.paused) {
      state.pending.push(...batch);
      showLive();
    } else applyBatch(batch);
  });
  es.addEventListener("capture", (e) => setCapture(JSON.parse(e.data).enabled));
  es.addEventListener("error", () => {
    connected = false;
    showLive();
  });
}

function selectFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id && id !== state.selected) list.select(id, { focus: false });
}
window.addEventListener("hashchange", selectFromHash);

async function start() {
  state.graph = machineGraph(await (await fetch("/debug/machine")).json());
  await loadAll();
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (fromHash) list.select(fromHash);
  else {
    const first = [...state.traces.values()].sort((a, b) => b.startedAt - a.startedAt)[0];
    if (first) list.select(first.id, { notify: true });
    else renderSelected();
  }
  connect();
  setInterval(() => {
    // in-flight durations tick
    for (const t of state.traces.values()) if (t.outcome === "in_flight") list.upsert(t);
  }, 1000);
}
start();
