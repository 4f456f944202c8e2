// One request in detail: what went wrong (first), the facts, the timing waterfall, tokens and
// tools, and the machine with the path the request took.
import { h } from "./dom.js";
import { ENDPOINT_LABEL, fmtCount, fmtMs, fmtTimestamp, OUTCOME_LABEL } from "./format.js";
import { renderMachineDiagram } from "./machine-diagram.js";
import { eventLabel } from "./machine-graph.js";

function fact(label, ...value) {
  const v = value.filter((x) => x !== undefined && x !== null && x !== "");
  return v.length ? [h("dt", null, label), h("dd", null, ...v)] : [];
}

const mono = (text) => h("code", null, text);

function errorCallout(t) {
  const e = t.error;
  if (!e) {
    if (t.outcome === "aborted") return h("div", { class: "callout warn" }, h("strong", null, "Aborted"), h("p", null, "The client went away before the answer was complete; the upstream call was cancelled."));
    return null;
  }
  const where = t.outcome === "rejected"
    ? `Refused before the request machine ran (${t.rejection?.stage === "guard" ? "request guard" : t.rejection?.stage === "body" ? "reading the body" : "validating the request"}).`
    : e.where === "in_stream" ? "Failed mid-stream: the client got HTTP 200 and then a failure event." : "Failed before the stream: the client got this HTTP error.";
  return h("div", { class: "callout bad", role: "alert" },
    h("div", { class: "callout-head" },
      t.httpStatus !== undefined ? h("span", { class: "status" }, `HTTP ${t.httpStatus}`) : null,
      h("code", { class: "errcode" }, e.code),
      e.retryAfter !== undefined ? h("span", { class: "retry" }, `Retry-After: ${e.retryAfter} s`) : null),
    h("p", { class: "errmsg" }, e.message),
    h("p", { class: "where" }, where),
    t.rejection?.detail ? h("p", { class: "where" }, t.rejection.detail) : null);
}

function facts(t) {
  const c = t.client ?? {};
  const x = t.codex ?? {};
  const model = t.requestedModel !== t.model && t.model ? [mono(t.requestedModel || "(none)"), " → ", mono(t.model), h("span", { class: "dim" }, ` (auto-router${t.routerReason ? `: ${t.routerReason}` : ""})`)] : [mono(t.model || t.requestedModel || "(none)")];
  const attempts = t.attempts?.length > 1 || t.attempts?.some((a) => a.retryAfter || a.networkError)
    ? h("ol", { class: "attempts" }, t.attempts.map((a) => h("li", null, a.status !== undefined ? `HTTP ${a.status}` : a.networkError ? `network error: ${a.networkError}` : "no answer yet", ` at +${fmtMs(a.sentAt)}`, a.retryAfter ? ` · upstream Retry-After: ${a.retryAfter}` : "")))
    : null;
  return h("dl", { class: "facts" },
    fact("Endpoint", mono(`${t.method} ${t.path}`), " ", h("span", { class: "tag" }, ENDPOINT_LABEL[t.endpoint] ?? t.endpoint), x.requestKind ? h("span", { class: "tag kind" }, x.requestKind) : null, t.stream === false ? h("span", { class: "tag" }, "non-streaming") : null),
    fact("Received", fmtTimestamp(t.startedAt)),
    fact("Client", c.name ? `${c.name}${c.version ? ` ${c.version}` : ""}` : null, c.originator && c.originator !== c.name ? h("span", { class: "dim" }, ` originator ${c.originator}`) : null, c.userAgent ? h("div", { class: "ua dim" }, c.userAgent) : null),
    fact("Thread / turn", x.threadId ? mono(x.threadId) : null, x.turnId ? [" / ", mono(x.turnId)] : null),
    fact("Response id", t.responseId ? mono(t.responseId) : null),
    fact("Model", ...model),
    fact("Route", t.route ? mono(t.route) : null),
    fact("Upstream", t.upstreamUrl ? mono(t.upstreamUrl) : null),
    fact("Upstream model", t.upstreamModel ? mono(t.upstreamModel) : null),
    fact("Upstream status", t.upstreamStatus !== undefined ? `HTTP ${t.upstreamStatus}` : null, attempts),
    fact("Notes", t.notes?.length ? h("ul", { class: "notes" }, t.notes.map((n) => h("li", null, n))) : null),
  );
}

const PHASES = [
  ["read body", "started"],
  ["classify", "classified"],
  ["select + prepare", "sent"],
  ["upstream: headers", "headers"],
  ["upstream: first token", "firstToken"],
  ["streaming", "streamEnd"],
  ["answer to the client", "done"],
];

function waterfall(t) {
  const tm = { ...(t.timings ?? {}) };
  // an upstream error answer has no "headers" milestone in the machine; its attempt has the time
  const last = t.attempts?.[t.attempts.length - 1];
  // and no "sent" either: the first attempt says when the upstream call went out
  if (tm.sent === undefined && t.attempts?.[0]?.sentAt !== undefined) tm.sent = t.attempts[0].sentAt;
  let answeredLabel = null;
  if (tm.headers === undefined && last?.headersAt !== undefined) {
    tm.headers = last.headersAt;
    answeredLabel = `upstream: answered HTTP ${last.status}`;
  }
  const end = tm.done ?? Math.max(0, ...Object.values(tm).filter((v) => typeof v === "number"));
  const total = Math.max(end, 0.01);
  const rows = [];
  let prev = 0;
  for (const [label, key] of PHASES) {
    let at = tm[key];
    let name = label;
    // aborted or failed mid-stream: the stream ran until the end of the request
    if (key === "streamEnd" && at === undefined && tm.firstToken !== undefined && tm.done !== undefined) {
      at = tm.done;
      name = `streaming (until ${t.final ?? "the end"})`;
    }
    if (key === "headers" && answeredLabel) name = answeredLabel;
    if (at === undefined || at < prev || (key === "done" && at - prev < 0.01)) continue;
    rows.push({ label: name, from: prev, to: at, key });
    prev = at;
  }
  if (!rows.length) return h("p", { class: "empty" }, "No timings: the request was refused on arrival.");
  const milestones = [["received", 0], ["upstream sent", tm.sent], ["headers", tm.headers], ["first token", tm.firstToken], ["last byte", tm.streamEnd], ["done", tm.done]].filter(([, v]) => v !== undefined);
  return h("div", { class: "waterfall" },
    rows.map((r) => h("div", { class: ["wf-row", `wf-${r.key}`] },
      h("span", { class: "wf-label" }, r.label),
      h("span", { class: "wf-track" }, h("span", { class: "wf-bar", style: { left: `${(r.from / total) * 100}%`, width: `max(2px, ${((r.to - r.from) / total) * 100}%)` } })),
      h("span", { class: "wf-ms" }, fmtMs(r.to - r.from)))),
    h("p", { class: "milestones" }, milestones.map(([l, v]) => h("span", null, `${l} +${fmtMs(v)}`))),
    h("p", { class: "overhead" },
      "Time to first token ", h("strong", null, fmtMs(tm.firstToken)),
      " · total ", h("strong", null, fmtMs(tm.done)),
      tm.overheadMs !== undefined ? [" · shim overhead ", h("strong", null, fmtMs(tm.overheadMs)), h("span", { class: "dim" }, " (before the upstream call + after its stream)")] : null));
}

function usageAndTools(t) {
  const u = t.usage;
  const tokens = u
    ? h("table", { class: "tokens" }, h("tbody", null,
        h("tr", null, h("th", null, "input"), h("td", null, fmtCount(u.input)), h("th", null, "cached"), h("td", null, fmtCount(u.cached))),
        h("tr", null, h("th", null, "output"), h("td", null, fmtCount(u.output)), h("th", null, "reasoning"), h("td", null, fmtCount(u.reasoning))),
        h("tr", null, h("th", null, "total"), h("td", null, fmtCount(u.total)), h("td", { colspan: 2 }))))
    : h("p", { class: "empty" }, t.outcome === "in_flight" ? "Usage arrives with the end of the stream." : "No usage reported.");
  const tools = t.tools?.length
    ? h("table", { class: "tools" }, h("thead", null, h("tr", null, h("th", null, "tool"), h("th", null, "type"), h("th", null, "call id"))),
        h("tbody", null, t.tools.map((x) => h("tr", null, h("td", null, h("code", { class: "toolname" }, x.name)), h("td", null, x.type), h("td", null, x.callId ? h("code", null, x.callId) : "–")))))
    : h("p", { class: "empty" }, t.toolCallCount ? `${t.toolCallCount} tool call(s); this route does not expose their names.` : "No tool calls: the answer was text only.");
  return h("div", { class: "two" }, h("div", null, h("h4", null, "Tokens"), tokens), h("div", null, h("h4", null, `Tool calls (${t.toolCallCount ?? 0})`), tools));
}

function stepsTable(t, graph, svg) {
  const hover = (tids, on) => {
    for (const tid of tids) for (const el of svg.querySelectorAll(`[data-tid="${CSS.escape(tid)}"]`)) el.classList.toggle("focus", on);
  };
  let prevState = graph.initialId ? graph.states.get(graph.initialId)?.key : "";
  return h("table", { class: "steps" },
    h("thead", null, h("tr", null, h("th", null, "+ms"), h("th", null, "event"), h("th", null, "payload"), h("th", null, "transition"), h("th", null, "→ state"))),
    h("tbody", null, (t.steps ?? []).map((st) => {
      const ts = st.transitions.map((id) => graph.byId.get(id)).filter(Boolean);
      const label = ts.map((x) => `${x.source === graph.rootId ? `${prevState} (any state)` : graph.states.get(x.source)?.key} → ${x.targets.map((y) => graph.states.get(y)?.key).join(",")}${x.guard ? ` [${x.guard}]` : x.otherwise ? " [otherwise]" : ""}`).join("; ");
      prevState = st.state || prevState;
      const row = h("tr", { on: { mouseenter: () => hover(st.transitions, true), mouseleave: () => hover(st.transitions, false) } },
        h("td", { class: "num" }, fmtMs(st.at)),
        h("td", null, h("code", null, eventLabel(st.event))),
        h("td", { class: "payload" }, st.payload ?? ""),
        h("td", null, label || "–"),
        h("td", null, h("code", null, st.state || "…")));
      return row;
    })));
}

export function renderDetail(t, graph) {
  const title = h("div", { class: "detail-head" },
    h("span", { class: `badge big ${t.outcome}` }, OUTCOME_LABEL[t.outcome]),
    h("h2", null, h("code", null, t.id)),
    h("span", { class: "actions" },
      h("a", { href: `#${encodeURIComponent(t.id)}`, class: "button", title: "Permalink to this request" }, "Permalink"),
      h("a", { href: `/debug/requests/${encodeURIComponent(t.id)}/export`, class: "button", download: `codex-shim-${t.id}.json`, title: "JSON for a bug report: keys and auth headers removed" }, "Export JSON")));
  const diagram = graph ? renderMachineDiagram(graph, t) : h("p", { class: "empty" }, "Machine not loaded.");
  return h("article", { class: "detail", "aria-label": `Request ${t.id}` },
    title,
    errorCallout(t),
    h("section", { class: "card" }, facts(t)),
    h("section", { class: "card" }, h("h3", null, "Timing"), waterfall(t)),
    h("section", { class: "card" }, usageAndTools(t)),
    h("section", { class: "card" }, h("h3", null, "Request machine"), h("div", { class: "diagram" }, diagram), graph && t.steps?.length ? stepsTable(t, graph, diagram) : null));
}
