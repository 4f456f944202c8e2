/** Splits `s` at the given offsets (taken modulo its length, deduplicated): a stream's chunk boundaries. */
export function splitAt(s: string, at: number[]): string[] {
  const cuts = [...new Set(at.map((n) => n % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(s.slice(prev, c));
    prev = c;
  }
  out.push(s.slice(prev));
  return out;
}
