const LOOPBACK = ["127.0.0.1", "localhost", "::1"];

function addLoopback(value: string | undefined): string {
  const parts = (value ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const have = new Set(parts.map((p) => p.toLowerCase()));
  for (const h of LOOPBACK) if (!have.has(h)) parts.push(h);
  return parts.join(",");
}

/**
 * A copy of `env` whose NO_PROXY and no_proxy both include the loopback hosts, so a proxy
 * configured for the user's shell never intercepts Codex → shim traffic (reference §2.9).
 */
export function withLoopbackNoProxy(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NO_PROXY: addLoopback(env.NO_PROXY), no_proxy: addLoopback(env.no_proxy) };
}

/** Whether NO_PROXY/no_proxy (together) already cover every loopback host. */
export function loopbackBypassed(env: NodeJS.ProcessEnv): boolean {
  const all = new Set(
    `${env.NO_PROXY ?? ""},${env.no_proxy ?? ""}`
      .split(",")
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
  );
  return all.has("*") || LOOPBACK.every((h) => all.has(h));
}
