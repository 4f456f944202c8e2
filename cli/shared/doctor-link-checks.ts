import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { request } from "node:http";
import type { Settings } from "../../adapters/settings/settings-types.ts";
import { isLoopbackUrl, keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { readManagedState } from "../../adapters/codex-config/managed-config.ts";
import { parseCodexConfig } from "../../adapters/codex-config/verify-config.ts";
import { PROVIDER_ID } from "../../adapters/codex-config/provider-values.ts";
import { probeHealth } from "../daemon/probe-health.ts";
import { liveDaemonRecord } from "../daemon/daemon-deps.ts";
import { loopbackBypassed } from "./no-proxy.ts";
import { daemonKeyGaps, describeGaps } from "./key-env-report.ts";
import type { CliOptions } from "./cli-options.ts";
import { fail, info, ok, warn, type Check, type Section } from "./doctor-check-types.ts";


/** Whether something accepts TCP connections on a loopback host:port (no bytes are sent). */
function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<"open" | string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    s.once("connect", () => (s.destroy(), resolve("open")));
    s.once("timeout", () => (s.destroy(), resolve(`no answer within ${timeoutMs} ms`)));
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED" ? "connection refused" : (e.code ?? e.message)));
  });
}

function urlHostPort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || (u.protocol === "https:" ? 443 : 80)) };
  } catch {
    return null;
  }
}

/** The slugs the shim on `port` serves (GET /v1/models: no upstream is called). */
function servedSlugs(port: number): Promise<string[] | null> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/v1/models", timeout: 3000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        try {
          resolve(((JSON.parse(body) as { data: { id: string }[] }).data ?? []).map((d) => d.id));
        } catch {
          resolve(null);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
    req.end();
  });
}

/**
 * Upstreams: only loopback ones are probed (a TCP connect, nothing sent). A paid provider is
 * never called. A refused upstream fails for the model Codex uses, warns for the others.
 */
export async function upstreamChecks(o: CliOptions, settings: Settings | null, activeModel: string | undefined): Promise<Section> {
  const checks: Check[] = [];
  const models = settings?.models ?? [];
  if (!models.length) return { title: "Upstreams", checks: [info("no configured models to check")] };
  if (models.every((m) => m.provider === "openai-responses")) return { title: "Upstreams", checks };
  await Promise.all(
    models.map(async (m) => {
      const k = keyStatus(m, o.env);
      // native Responses rows get a finer probe of {base}/responses (probe-responses-endpoint.ts)
      if (!k.usable || m.provider === "openai-responses") return;
      const hp = urlHostPort(m.baseUrl);
      if (!isLoopbackUrl(m.baseUrl) || !hp) {
        checks.push(info(`model ${m.slug}: ${m.baseUrl} not probed (doctor never calls a remote provider)`));
        return;
      }
      const r = await tcpReachable(hp.host, hp.port);
      const active = m.slug === activeModel || (!activeModel && models.length === 1);
      if (r === "open") checks.push(ok(`model ${m.slug}: ${m.baseUrl} accepts connections`));
      else checks.push((active ? fail : warn)(`model ${m.slug}: ${m.baseUrl} is not reachable (${r})`, `Start the server behind it (e.g. \`ollama serve\`), or fix base_url in ${o.settings.file}. Codex's requests to ${m.slug} fail until then.`));
    }),
  );
  return { title: "Upstreams", checks };
}

/**
 * Every way an enabled Codex and the shim can fail to talk: the daemon is not where config.toml
 * points, a profile Codex refuses, a proxy in the way, the chosen model not served or missing a
 * key in the daemon's environment. Each is a FAIL.
 */
export async function codexShimLink(o: CliOptions, settings: Settings | null): Promise<Section> {
  const title = "Codex ↔ shim";
  const file = o.codexConfigFile;
  if (!existsSync(file)) return { title, checks: [info("codex-shim is not enabled (no config.toml): only `codex-shim codex` uses the shim")] };
  let text: string;
  let parsed: Record<string, unknown>;
  try {
    text = readFileSync(file, "utf8");
    parsed = parseCodexConfig(text, file);
  } catch (e) {
    return { title, checks: [fail(`Codex cannot read ${file}`, (e as Error).message)] };
  }
  const checks: Check[] = [];
  if (typeof parsed.profile === "string")
    checks.push(
      fail(
        `${file} sets \`profile = ${JSON.stringify(parsed.profile)}\`: Codex refuses to start with it`,
        `Codex 0.169+ stops with: legacy \`profile = "${parsed.profile}"\` config is no longer supported. Remove the line; Codex now takes \`--profile ${parsed.profile}\` with a ${parsed.profile}.config.toml file.`,
      ),
    );
  const st = readManagedState(text);
  if (parsed.model_provider !== PROVIDER_ID) {
    checks.push(info(`codex-shim is not enabled in ${file}: plain \`codex\` does not use the shim`, "Enable it: codex-shim enable"));
    return { title, checks };
  }
  const url = st.baseUrl ?? "";
  const hp = urlHostPort(url);
  if (!hp) {
    checks.push(fail(`the codex_shim provider has no usable base_url (${JSON.stringify(url)})`, "Run: codex-shim enable"));
    return { title, checks };
  }
  const probe = await probeHealth(hp.port);
  if (probe.kind === "free") {
    const live = liveDaemonRecord(o.stateDir);
    const fix = live
      ? `The shim runs on port ${live.port} instead: point Codex there with \`codex-shim enable\`, or move it with \`codex-shim --port ${hp.port} restart\`.`
      : `Start it: codex-shim start (or codex-shim disable).`;
    checks.push(fail(`Codex is set to use the shim at ${url}, but nothing listens there`, `Plain \`codex\` will keep "Reconnecting…". ${fix}`));
    return { title, checks };
  }
  if (probe.kind === "foreign") {
    checks.push(fail(`Codex is set to use the shim at ${url}, but another program answers there (${probe.detail})`, `Stop it, or move the shim: codex-shim --port ${hp.port + 1} restart && codex-shim enable`));
    return { title, checks };
  }
  checks.push(ok(`a codex-shim answers at ${url} (version ${probe.health.version})`));
  const gaps = settings ? daemonKeyGaps(probe.health.unusable, settings, o.env) : [];
  if (gaps.length) checks.push(fail(`restart the shim to pick up ${[...new Set(gaps.map((g) => g.env))].join(", ")}`, describeGaps(gaps)));
  const model = st.model;
  if (model) {
    const served = await servedSlugs(hp.port);
    const unusable = probe.health.unusable?.find((u) => u.slug === model);
    if (unusable && !gaps.some((g) => g.slug === model)) checks.push(fail(`the running shim cannot use the active model ${model}`, unusable.reason));
    else if (served && !served.includes(model) && !unusable) checks.push(fail(`the running shim does not serve the active model ${model}`, `It serves: ${served.join(", ") || "nothing"}. Pick one: codex-shim model use <slug>`));
    else if (served?.includes(model)) checks.push(ok(`the running shim serves the active model ${model}`));
  }
  const proxied = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"].some((k) => o.env[k]);
  if (proxied && !loopbackBypassed(o.env))
    checks.push(fail("a proxy is set and NO_PROXY/no_proxy does not cover loopback: plain `codex` sends its shim requests to the proxy", "export NO_PROXY=127.0.0.1,localhost,::1 (codex-shim codex/app add it for Codex)"));
  return { title, checks };
}
