/**
 * Remote compaction v2: the input ends with `compaction_trigger`, so the answer must be one
 * `compaction` item (the summary), and the request goes up without tools.
 */
export function isRemoteCompaction(input: unknown): boolean {
  return Array.isArray(input) && (input[input.length - 1] as { type?: unknown } | undefined)?.type === "compaction_trigger";
}
