/** Real requests nest < 20 levels; far deeper values would overflow the stack of any recursive consumer (JSON.stringify). */
export const MAX_JSON_DEPTH = 256;

/** Iterative depth check of a parsed JSON value (strings and numbers are skipped at once). */
export function exceedsDepth(root: object, max: number): boolean {
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c = v[i];
        if (c !== null && typeof c === "object") {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in v) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === "object") {
          stack.push(c);
          depths.push(d + 1);
        }
      }
    }
  }
  return false;
}
