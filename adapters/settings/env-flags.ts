/** `1/true/yes/on` (any case) — the truthy set of reference-behavior §1.2. */
export function isTruthyEnv(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}
