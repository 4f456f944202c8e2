import type { Settings } from "../../adapters/settings/settings-types.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";

/**
 * Keys from environment variables are read by the daemon from *its* environment, fixed when it
 * started. These helpers say which variables a command's shell has, and where the running daemon
 * differs from it. Names only: a value never leaves this module.
 */
export interface KeyEnvReport {
  set: string[];
  missing: { env: string; slugs: string[] }[];
}

export function keyEnvReport(settings: Settings, env: NodeJS.ProcessEnv): KeyEnvReport {
  const set = new Set<string>();
  const missing = new Map<string, string[]>();
  for (const m of settings.models) {
    const k = keyStatus(m, env);
    if (!k.env) continue;
    if (env[k.env]?.trim()) set.add(k.env);
    else if (!k.usable) missing.set(k.env, [...(missing.get(k.env) ?? []), m.slug]);
  }
  return { set: [...set].sort(), missing: [...missing].map(([e, slugs]) => ({ env: e, slugs })).sort((a, b) => a.env.localeCompare(b.env)) };
}

/** One line for `start`/`restart`, or null when no model takes its key from the environment. */
export function describeKeyEnv(r: KeyEnvReport, verb = "started"): string | null {
  if (!r.set.length && !r.missing.length) return null;
  const parts: string[] = [];
  if (r.set.length) parts.push(`set: ${r.set.join(", ")}`);
  if (r.missing.length) parts.push(`missing: ${r.missing.map((m) => `${m.env} (${m.slugs.join(", ")} not usable)`).join(", ")}`);
  const fix = r.missing.length ? `\n  The shim reads keys from the environment it was ${verb} in: export the missing ones, then run codex-shim restart.` : "";
  return `  API key variables: ${parts.join("; ")}${fix}`;
}

export interface DaemonKeyGap {
  slug: string;
  env: string;
}

/** Models the running daemon cannot use although this shell has their key variable. */
export function daemonKeyGaps(daemonUnusable: { slug: string; env?: string }[] | undefined, settings: Settings, env: NodeJS.ProcessEnv): DaemonKeyGap[] {
  const gaps: DaemonKeyGap[] = [];
  for (const u of daemonUnusable ?? []) {
    const m = settings.models.find((x) => x.slug === u.slug);
    if (!m || !u.env) continue;
    if (keyStatus(m, env).usable && env[u.env]?.trim()) gaps.push({ slug: u.slug, env: u.env });
  }
  return gaps;
}

export function describeGaps(gaps: DaemonKeyGap[]): string {
  const vars = [...new Set(gaps.map((g) => g.env))];
  return (
    `The running shim cannot use ${gaps.map((g) => g.slug).join(", ")}: ${vars.join(", ")} ${vars.length === 1 ? "was" : "were"} not set when it started ` +
    `(${vars.length === 1 ? "it is" : "they are"} set in this shell). Restart it to pick up ${vars.join(", ")}: codex-shim restart`
  );
}
