// The request list: newest first, one row per request, updated in place; filters, search and
// keyboard navigation (↑/↓ or j/k, Home/End).
import { h, replaceChildren } from "./dom.js";
import { badgeText, durationOf, ENDPOINT_LABEL, fmtMs, fmtTimestamp, isProblem, OUTCOME_LABEL } from "./format.js";

export function matchesFilter(t, f) {
  if (f.outcome === "problems" && !isProblem(t)) return false;
  if (f.outcome && f.outcome !== "problems" && t.outcome !== f.outcome) return false;
  if (f.endpoint && t.endpoint !== f.endpoint) return false;
  if (f.model && t.model !== f.model && t.requestedModel !== f.model) return false;
  if (f.query) {
    const q = f.query.toLowerCase();
    const hay = [t.id, t.responseId, t.model, t.requestedModel, t.codex?.threadId, t.codex?.turnId, t.error?.code, t.route, ...(t.tools ?? []).map((x) => x.name)];
    if (!hay.some((x) => x && String(x).toLowerCase().includes(q))) return false;
  }
  return true;
}

function rowContent(t) {
  const models = t.requestedModel && t.model && t.requestedModel !== t.model ? `${t.requestedModel} → ${t.model}` : t.model || t.requestedModel || "(no model)";
  const kind = t.codex?.requestKind && t.codex.requestKind !== "turn" ? t.codex.requestKind : null;
  const tools = t.toolCallCount ? `${t.toolCallCount} tool${t.toolCallCount === 1 ? "" : "s"}` : null;
  return [
    h("span", { class: `badge ${t.outcome}`, title: OUTCOME_LABEL[t.outcome] }, badgeText(t)),
    h("span", { class: "main" },
      h("span", { class: "line1" },
        h("span", { class: "model" }, models),
        t.error ? h("span", { class: "code-tag" }, t.error.code) : null,
        tools ? h("span", { class: "tools-tag" }, tools) : null),
      h("span", { class: "line2" },
        h("time", { datetime: new Date(t.startedAt).toISOString() }, fmtTimestamp(t.startedAt)),
        h("span", { class: "dur" }, fmtMs(durationOf(t))),
        h("span", { class: "ep" }, ENDPOINT_LABEL[t.endpoint] ?? t.endpoint),
        kind ? h("span", { class: "kind" }, kind) : null)),
  ];
}

export class RequestList {
  constructor(container, { onSelect }) {
    this.el = h("div", { class: "rows", role: "listbox", tabindex: "0", "aria-label": "Requests, newest first" });
    this.empty = h("p", { class: "empty list-empty" });
    container.append(this.el, this.empty);
    this.rows = new Map();
    this.traces = new Map();
    this.filter = {};
    this.selected = null;
    this.onSelect = onSelect;
    this.el.addEventListener("keydown", (e) => this.key(e));
    this.el.addEventListener("click", (e) => {
      const row = e.target.closest(".row");
      if (row) this.select(row.dataset.id, { focus: true });
    });
  }

  upsert(t) {
    const prev = this.traces.get(t.id);
    if (prev && prev.rev > t.rev) return;
    this.traces.set(t.id, t);
    let row = this.rows.get(t.id);
    if (!row) {
      row = h("div", { class: "row", role: "option", id: `row-${t.id}`, tabindex: "-1", "aria-selected": "false", dataset: { id: t.id } });
      this.rows.set(t.id, row);
      // newest first: a new trace goes above every older one
      const after = [...this.el.children].find((r) => this.traces.get(r.dataset.id)?.startedAt <= t.startedAt && r !== row);
      this.el.insertBefore(row, after ?? null);
    }
    replaceChildren(row, rowContent(t));
    row.classList.toggle("problem", isProblem(t));
    row.hidden = !matchesFilter(t, this.filter);
    this.updateEmpty();
  }

  /** Traces the server no longer has (its ring buffer moved on). */
  retain(ids) {
    for (const id of [...this.rows.keys()]) {
      if (ids.has(id)) continue;
      this.rows.get(id).remove();
      this.rows.delete(id);
      this.traces.delete(id);
    }
  }

  setFilter(f) {
    this.filter = f;
    for (const [id, row] of this.rows) row.hidden = !matchesFilter(this.traces.get(id), f);
    this.updateEmpty();
  }

  visibleRows() {
    return [...this.el.children].filter((r) => !r.hidden);
  }

  updateEmpty() {
    const total = this.rows.size, shown = this.visibleRows().length;
    this.empty.hidden = shown > 0;
    this.empty.textContent = total === 0
      ? "No requests yet. Point Codex at this shim and run a turn; requests appear here as they arrive."
      : `None of the ${total} requests match the filter.`;
  }

  select(id, { focus = false, notify = true } = {}) {
    if (this.selected) this.rows.get(this.selected)?.setAttribute("aria-selected", "false");
    this.selected = id;
    const row = this.rows.get(id);
    if (row) {
      row.setAttribute("aria-selected", "true");
      this.el.setAttribute("aria-activedescendant", row.id);
      row.scrollIntoView({ block: "nearest" });
      if (focus) row.focus({ preventScroll: true });
    }
    if (notify) this.onSelect(id);
  }

  key(e) {
    const rows = this.visibleRows();
    if (!rows.length) return;
    const i = rows.findIndex((r) => r.dataset.id === this.selected);
    let next = null;
    if (e.key === "ArrowDown" || e.key === "j") next = rows[Math.min(rows.length - 1, i + 1)];
    else if (e.key === "ArrowUp" || e.key === "k") next = rows[Math.max(0, i < 0 ? 0 : i - 1)];
    else if (e.key === "Home") next = rows[0];
    else if (e.key === "End") next = rows[rows.length - 1];
    if (!next) return;
    e.preventDefault();
    this.select(next.dataset.id, { focus: true });
  }
}
