// "What the translator changed": the request Codex sent next to the one sent upstream (a line
// diff of the pretty-printed JSON), and the upstream's stream next to what Codex received,
// row by row: each upstream read beside the bytes the shim wrote for it.
import { h, replaceChildren } from "./dom.js";
import { diffLines, foldRows } from "./line-diff.js";
import { fmtBytes, fmtMs } from "./format.js";

const MAX_LINE = 2000;
const STREAM_ROWS = 400;

const clipLine = (l) => (l === undefined ? "" : l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)} … (${l.length - MAX_LINE} more characters)` : l);

function diffRow(r) {
  const cls = `drow ${r.kind}`;
  return h("tr", { class: cls },
    h("td", { class: "ln" }, r.ai >= 0 ? String(r.ai + 1) : ""),
    h("td", { class: "code a" }, clipLine(r.a)),
    h("td", { class: "ln" }, r.bi >= 0 ? String(r.bi + 1) : ""),
    h("td", { class: "code b" }, clipLine(r.b)));
}

function sideBySide(leftTitle, left, rightTitle, right) {
  const rows = foldRows(diffLines(left, right));
  const body = h("tbody");
  for (const r of rows) {
    if (r.fold) {
      const tr = h("tr", { class: "fold" }, h("td", { colspan: 4 }, h("button", { type: "button", class: "link" }, `⋯ ${r.fold} unchanged lines`)));
      tr.querySelector("button").addEventListener("click", () => tr.replaceWith(...r.rows.map(diffRow)));
      body.appendChild(tr);
    } else body.appendChild(diffRow(r));
  }
  const changed = rows.filter((r) => !r.fold && r.kind !== "same").length;
  return h("div", { class: "diff" },
    h("p", { class: "hint" }, `${changed} changed line${changed === 1 ? "" : "s"}; unchanged runs are folded.`),
    h("table", { class: "difftable" },
      h("colgroup", null, h("col", { class: "c-ln" }), h("col"), h("col", { class: "c-ln" }), h("col")),
      h("thead", null, h("tr", null, h("th", { colspan: 2 }, leftTitle), h("th", { colspan: 2 }, rightTitle))),
      body));
}

function headerTable(title, headers) {
  return h("div", null, h("h4", null, title),
    h("table", { class: "kv" }, h("tbody", null, Object.entries(headers ?? {}).map(([k, v]) => h("tr", null, h("th", null, k), h("td", null, v))))));
}

/** Upstream reads with the client-bound writes that followed each (until the next read). */
export function alignStreams(upChunks, downChunks) {
  const rows = [];
  let d = 0;
  while (d < downChunks.length && (!upChunks.length || downChunks[d].at < upChunks[0].at)) rows.length ? rows[0].down.push(downChunks[d++]) : rows.push({ at: downChunks[d].at, up: null, down: [downChunks[d++]] });
  for (let u = 0; u < upChunks.length; u++) {
    const row = { at: upChunks[u].at, up: upChunks[u], down: [] };
    const next = upChunks[u + 1]?.at ?? Infinity;
    while (d < downChunks.length && downChunks[d].at < next) row.down.push(downChunks[d++]);
    rows.push(row);
  }
  return rows;
}

function streamView(trace, ex, capture) {
  const up = ex?.chunks ?? [];
  const rows = alignStreams(up, capture.downstream);
  const table = h("tbody");
  const render = (limit) => {
    replaceChildren(table, rows.slice(0, limit).map((r) =>
      h("tr", null,
        h("td", { class: "ln" }, `+${fmtMs(r.at)}`),
        h("td", { class: "code a" }, r.up ? r.up.text : ""),
        h("td", { class: "code b" }, r.down.map((c) => c.text).join("")))));
    if (rows.length > limit) {
      const more = h("tr", { class: "fold" }, h("td", { colspan: 3 }, h("button", { type: "button", class: "link" }, `⋯ ${rows.length - limit} more reads`)));
      more.querySelector("button").addEventListener("click", () => render(rows.length));
      table.appendChild(more);
    }
  };
  render(STREAM_ROWS);
  const right = capture.downstreamBody !== undefined
    ? h("div", null, h("h4", null, "What the client received (JSON body)"), h("pre", { class: "code block" }, capture.downstreamBody))
    : null;
  return h("div", { class: "diff" },
    h("p", { class: "hint" }, "Each row is one read of the upstream body and what the shim wrote to the client for it."),
    up.length || capture.downstream.length
      ? h("table", { class: "difftable stream" },
          h("colgroup", null, h("col", { class: "c-time" }), h("col"), h("col")),
          h("thead", null, h("tr", null, h("th", null, "time"), h("th", null, `upstream ${ex?.status ? `(HTTP ${ex.status})` : ""}`), h("th", null, trace.endpoint === "messages" ? "to the client (Anthropic events)" : "to Codex (Responses events)"))),
          table)
      : h("p", { class: "empty" }, "No stream bytes were captured."),
    right);
}

export function renderTranslation(trace, capture) {
  const wrap = h("section", { class: "card translation", id: "translation" }, h("h3", null, "What the translator changed"));
  if (!capture) {
    wrap.appendChild(h("p", { class: "empty" }, "This request's capture is no longer in memory (only the most recent captures are kept)."));
    return wrap;
  }
  const attempts = capture.upstream;
  const body = h("div");
  const show = (i) => {
    const ex = attempts[i];
    replaceChildren(body,
      ex
        ? sideBySide(`Codex sent · ${trace.method} ${trace.path}`, capture.codexRequest.body, `sent upstream · POST ${ex.url}`, ex.body)
        : h("p", { class: "empty" }, "Nothing was sent upstream (the request ended before, or its route runs a local process)."),
      h("details", { class: "headers" }, h("summary", null, "Headers (credentials removed)"),
        h("div", { class: "two" }, headerTable("from the client", capture.codexRequest.headers), ex ? headerTable("to the upstream", ex.headers) : null, ex?.responseHeaders ? headerTable("upstream answered", ex.responseHeaders) : null)),
      h("h4", null, "Stream"),
      streamView(trace, ex, capture));
  };
  if (attempts.length > 1) {
    const sel = h("select", { "aria-label": "Upstream attempt" }, attempts.map((a, i) => h("option", { value: String(i) }, `attempt ${i + 1}${a.status ? ` · HTTP ${a.status}` : ""}`)));
    sel.value = String(attempts.length - 1);
    sel.addEventListener("change", () => show(Number(sel.value)));
    wrap.appendChild(h("p", null, "Upstream attempt: ", sel));
  }
  show(attempts.length - 1);
  wrap.appendChild(body);
  wrap.appendChild(h("p", { class: "hint" }, `Captured ${fmtBytes(capture.size)}${capture.truncated ? " — truncated at the capture size limit" : ""}. Keys and credential headers are removed.`));
  return wrap;
}
