// A line diff for the translation view: common prefix/suffix, then an LCS table when it is
// small, else anchors on lines unique to both sides (patience diff) and recursion between them.
// Returns rows for a side-by-side view: { kind: "same" | "changed" | "del" | "add", a, b, ai, bi }.

const MAX_TABLE = 4_000_000;

function lcsOps(a, b, a0, a1, b0, b1, out) {
  const n = a1 - a0, m = b1 - b0;
  const w = m + 1;
  const t = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = a[a0 + i] === b[b0 + j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
    }
  }
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[a0 + i] === b[b0 + j]) { out.push(["=", a0 + i, b0 + j]); i++; j++; }
    else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) { out.push(["-", a0 + i, -1]); i++; }
    else { out.push(["+", -1, b0 + j]); j++; }
  }
  for (; i < n; i++) out.push(["-", a0 + i, -1]);
  for (; j < m; j++) out.push(["+", -1, b0 + j]);
}

function uniqueAnchors(a, b, a0, a1, b0, b1) {
  const count = new Map();
  for (let i = a0; i < a1; i++) { const c = count.get(a[i]) ?? { a: 0, b: 0, ai: i, bi: -1 }; c.a++; c.ai = i; count.set(a[i], c); }
  for (let j = b0; j < b1; j++) { const c = count.get(b[j]); if (c) { c.b++; c.bi = j; } }
  const pairs = [];
  for (const c of count.values()) if (c.a === 1 && c.b === 1) pairs.push([c.ai, c.bi]);
  pairs.sort((x, y) => x[0] - y[0]);
  // longest increasing subsequence on b indices (patience sorting)
  const tails = [], prev = new Array(pairs.length);
  for (let k = 0; k < pairs.length; k++) {
    let lo = 0, hi = tails.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pairs[tails[mid]][1] < pairs[k][1]) lo = mid + 1; else hi = mid; }
    prev[k] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = k;
  }
  const seq = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) seq.push(pairs[k]);
  return seq.reverse();
}

function diffRange(a, b, a0, a1, b0, b1, out, depth) {
  while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) out.push(["=", a0++, b0++]);
  const tail = [];
  while (a1 > a0 && b1 > b0 && a[a1 - 1] === b[b1 - 1]) tail.push(["=", --a1, --b1]);
  if ((a1 - a0) * (b1 - b0) <= MAX_TABLE) lcsOps(a, b, a0, a1, b0, b1, out);
  else {
    const anchors = depth < 8 ? uniqueAnchors(a, b, a0, a1, b0, b1) : [];
    if (!anchors.length) {
      for (let i = a0; i < a1; i++) out.push(["-", i, -1]);
      for (let j = b0; j < b1; j++) out.push(["+", -1, j]);
    } else {
      let pa = a0, pb = b0;
      for (const [ai, bi] of anchors) {
        diffRange(a, b, pa, ai, pb, bi, out, depth + 1);
        out.push(["=", ai, bi]);
        pa = ai + 1; pb = bi + 1;
      }
      diffRange(a, b, pa, a1, pb, b1, out, depth + 1);
    }
  }
  for (let k = tail.length - 1; k >= 0; k--) out.push(tail[k]);
}

/** Side-by-side rows for two texts: runs of removed and added lines are paired as "changed". */
export function diffLines(left, right) {
  const a = left.split("\n"), b = right.split("\n");
  const ops = [];
  diffRange(a, b, 0, a.length, 0, b.length, ops, 0);
  const rows = [];
  for (let k = 0; k < ops.length; ) {
    if (ops[k][0] === "=") { rows.push({ kind: "same", a: a[ops[k][1]], b: b[ops[k][2]], ai: ops[k][1], bi: ops[k][2] }); k++; continue; }
    const dels = [], adds = [];
    while (k < ops.length && ops[k][0] !== "=") { if (ops[k][0] === "-") dels.push(ops[k][1]); else adds.push(ops[k][2]); k++; }
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      const ai = dels[i], bi = adds[i];
      rows.push({ kind: ai !== undefined && bi !== undefined ? "changed" : ai !== undefined ? "del" : "add", a: ai !== undefined ? a[ai] : undefined, b: bi !== undefined ? b[bi] : undefined, ai: ai ?? -1, bi: bi ?? -1 });
    }
  }
  return rows;
}

/** Rows with long unchanged runs folded: { fold: n, rows } entries stand for n hidden same rows. */
export function foldRows(rows, context = 3, minFold = 8) {
  const out = [];
  let k = 0;
  while (k < rows.length) {
    if (rows[k].kind !== "same") { out.push(rows[k++]); continue; }
    let e = k;
    while (e < rows.length && rows[e].kind === "same") e++;
    const run = rows.slice(k, e);
    const head = k === 0 ? 0 : context, tailN = e === rows.length ? 0 : context;
    if (run.length - head - tailN >= minFold) {
      out.push(...run.slice(0, head), { fold: run.length - head - tailN, rows: run.slice(head, run.length - tailN) }, ...run.slice(run.length - tailN));
    } else out.push(...run);
    k = e;
  }
  return out;
}
