import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadSettingsFile } from "../../adapters/settings/load-settings-file.ts";
import { SettingsError } from "../../adapters/settings/parse-settings.ts";
import type { Settings } from "../../adapters/settings/settings-types.ts";
import { routerState } from "../../adapters/router/router-config.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { readManagedState, ManagedConfigError, removeManagedConfig } from "../../adapters/codex-config/managed-config.ts";
import { parseCodexConfig } from "../../adapters/codex-config/verify-config.ts";
import { PROVIDER_ID } from "../../adapters/codex-config/provider-values.ts";
import { catalogPathIn, GENERATED_CONFIG_FILE } from "../../adapters/codex-catalog/write-generated-files.ts";
import { daemonLogPath, daemonRecordPath, readDaemonRecord } from "../daemon/daemon-files.ts";
import { daemonPort } from "./daemon-control.ts";
import { managedModel } from "./prepare-shim.ts";
import { codexShimLink, upstreamChecks } from "./doctor-link-checks.ts";
import { observeDaemon } from "../daemon/daemon-deps.ts";
import { classifyDaemon } from "../../machines/daemon.machine.ts";
import { codexBinProblem, findCodex } from "./find-executable.ts";
import { loopbackBypassed } from "./no-proxy.ts";
import type { CliOptions } from "./cli-options.ts";
import { fail, info, ok, warn, type Check, type Section } from "./doctor-check-types.ts";
import { probeResponsesEndpoint } from "./probe-responses-endpoint.ts";


function runtime(): Section {
  const [maj, min] = process.versions.node.split(".").map(Number);
  const good = maj > 22 || (maj === 22 && min >= 19);
  return {
    title: "Runtime",
    checks: [
      good ? ok(`node ${process.version}`) : fail(`node ${process.version} is too old`, "codex-shim needs Node.js >= 22.19; run it through `npx codex-shim` or install Node 24"),
      info(`platform: ${process.platform} ${process.arch}`),
      info(`executable: ${process.execPath}`),
    ],
  };
}

/** The installed version of a dependency, found from its resolved entry (exports maps may hide package.json). */
function installedVersion(dep: string): string | null {
  const req = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(req.resolve(dep));
  } catch {
    return null;
  }
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === dep) return pkg.version ?? "?";
    } catch {}
    dir = dirname(dir);
  }
  return "?";
}

function dependencies(): Section {
  const checks: Check[] = [];
  for (const dep of ["h3", "undici", "xstate", "confbox", "clipanion", "superstruct", "eventsource-parser", "typanion"]) {
    const v = installedVersion(dep);
    checks.push(v ? ok(`${dep} ${v}`) : fail(`${dep} is not installed`, "Run `npm install` in the codex-shim folder"));
  }
  return { title: "Dependencies", checks };
}

function codexVersion(bin: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(bin, ["--version"], { timeout: 5000, env, shell: process.platform === "win32" }, (err, stdout, stderr) => {
      resolve({ ok: !err, out: (stdout || stderr || (err?.message ?? "")).trim().split("\n")[0].slice(0, 200) });
    });
  });
}

async function codexCli(o: CliOptions): Promise<Section> {
  const bad = codexBinProblem(o.env);
  if (bad) return { title: "Codex CLI", checks: [fail(bad)] };
  const bin = findCodex(o.env);
  if (!bin) return { title: "Codex CLI", checks: [warn("codex not found on PATH", "Install it: npm install -g @openai/codex (needed for `codex-shim codex` and `app`)")] };
  const v = await codexVersion(bin, o.env);
  return { title: "Codex CLI", checks: [ok(`found: ${bin}`), v.ok ? ok(`version: ${v.out}`) : warn("`codex --version` failed", v.out)] };
}

function settingsSection(o: CliOptions): { section: Section; settings: Settings | null } {
  const checks: Check[] = [];
  const file = o.settings.file;
  if (!existsSync(file)) {
    if (o.settings.required) return { section: { title: "Settings", checks: [fail(`settings file not found: ${file}`, "Fix the --settings path")] }, settings: null };
    return { section: { title: "Settings", checks: [warn(`settings file not found: ${file}`, 'Create it: {"models":[{"model":"qwen2.5-coder:7b","provider":"ollama"}]}')] }, settings: { file: null, models: [] } };
  }
  let s: Settings;
  try {
    s = loadSettingsFile(file, { required: true });
  } catch (e) {
    const problems = e instanceof SettingsError ? e.problems : [String(e)];
    return { section: { title: "Settings", checks: [fail(`settings file has problems: ${file}`, problems.join("\n"))] }, settings: null };
  }
  checks.push(ok(`path: ${file}`), ok(`configured models: ${s.models.length}`));
  if (!s.models.length) checks.push(warn("no models configured", "Add one to the models array"));
  for (const m of s.models) {
    const k = keyStatus(m, o.env);
    checks.push(k.usable ? ok(`model ${m.slug}: ${m.provider} ${m.baseUrl} — key ${k.key ? "present" : "not needed (local)"}`) : warn(`model ${m.slug}: missing API key`, k.reason));
  }
  const router = routerState(s, o.env);
  if (router) {
    const r = router.settings;
    if (!r.enabled) checks.push(info(`auto-router ${r.slug}: disabled`, r.enabled === s.router?.enabled ? 'Turn it on with "enabled": true in the router block' : "CODEX_SHIM_DISABLE_ROUTER is set"));
    else if (router.active) checks.push(ok(`auto-router ${r.slug}: active, candidates ${router.usable.map((c) => c.slug).join(", ")}; classifier ${r.classifier ?? "none (always the fallback)"}`));
    else checks.push(warn(`auto-router ${r.slug}: no usable candidate, not advertised`, router.unusable.map((u) => `${u.slug}: ${u.reason}`).join("\n")));
    for (const u of router.active ? router.unusable : []) checks.push(warn(`auto-router candidate ${u.slug}: not usable now`, u.reason));
  }
  return { section: { title: "Settings", checks }, settings: s };
}

function stateFiles(o: CliOptions, settings: Settings | null): Section {
  const checks: Check[] = [info(`state dir: ${o.stateDir}`)];
  const catalog = catalogPathIn(o.stateDir);
  if (!existsSync(catalog)) checks.push(warn(`catalog missing: ${catalog}`, "Run: codex-shim generate"));
  else {
    try {
      const c = JSON.parse(readFileSync(catalog, "utf8")) as { models: { slug: string }[] };
      if (!Array.isArray(c.models)) throw new Error("no models array");
      checks.push(ok(`catalog: ${catalog} (${c.models.length} models)`));
      const usable = (settings?.models ?? []).filter((m) => keyStatus(m, o.env).usable).map((m) => m.slug);
      const missing = usable.filter((s) => !c.models.some((e) => e.slug === s));
      if (missing.length) checks.push(warn(`catalog is out of date: missing ${missing.join(", ")}`, "Run: codex-shim generate"));
    } catch (e) {
      checks.push(fail(`catalog is not valid: ${catalog}`, `${(e as Error).message}. Run: codex-shim generate`));
    }
  }
  const gen = join(o.stateDir, GENERATED_CONFIG_FILE);
  checks.push(existsSync(gen) ? ok(`generated config: ${gen}`) : info(`generated config missing: ${gen}`));
  const rec = readDaemonRecord(o.stateDir);
  checks.push(rec === null ? info(`pid file missing: ${daemonRecordPath(o.stateDir)}`) : "pid" in rec ? ok(`pid file: ${daemonRecordPath(o.stateDir)} (pid ${rec.pid}, port ${rec.port})`) : warn(`pid file is corrupt: ${daemonRecordPath(o.stateDir)}`, "Run: codex-shim stop (it removes it)"));
  const log = daemonLogPath(o.stateDir);
  checks.push(existsSync(log) ? info(`log: ${log}`) : info(`log missing: ${log}`));
  return { title: "State files", checks };
}

async function daemon(o: CliOptions): Promise<Section> {
  const obs = await observeDaemon({ stateDir: o.stateDir, port: daemonPort(o) }, o.portExplicit ? o.port : undefined);
  const c = classifyDaemon(obs);
  const url = `http://127.0.0.1:${obs.port}`;
  const checks: Check[] = [info(`health URL: ${url}/health`)];
  switch (c) {
    case "running":
      checks.push(ok(`running: pid ${obs.pid}, ${obs.health!.models} usable models, version ${obs.health!.version}`));
      break;
    case "unmanaged":
      checks.push(warn(`a codex-shim answers on ${url} but has no pid file`, "It was started by hand (`codex-shim serve`); `codex-shim stop` cannot stop it"));
      break;
    case "unhealthy":
      checks.push(fail(`pid ${obs.pid} is alive but /health does not answer`, `See ${daemonLogPath(o.stateDir)}; run: codex-shim restart`));
      break;
    case "stale":
      checks.push(warn(`stale pid file: pid ${obs.pid ?? "?"} is not running`, "Run: codex-shim start (it cleans up)"));
      break;
    case "foreign":
      checks.push(fail(`port ${obs.port} is used by another program (${obs.probeDetail ?? "not codex-shim"})`, `Stop it or use another port: codex-shim --port ${obs.port + 1} start`));
      break;
    default:
      checks.push(info("not running", "Start it: codex-shim start"));
  }
  if (obs.health?.settingsFile && obs.health.settingsFile !== o.settings.file) checks.push(warn(`the running shim uses ${obs.health.settingsFile}, not ${o.settings.file}`, "Run: codex-shim restart"));
  return { title: "Shim daemon", checks };
}

function passthrough(o: CliOptions): Section {
  const auth = join(o.codexHome, "auth.json");
  let token = false;
  try {
    const j = JSON.parse(readFileSync(auth, "utf8")) as { tokens?: { access_token?: string } };
    token = typeof j.tokens?.access_token === "string" && j.tokens.access_token.length > 0;
  } catch {}
  return {
    title: "ChatGPT passthrough",
    checks: [token ? ok(`Codex login found: ${auth}`) : info(`no Codex login (${auth})`, "Optional: `codex login` lets GPT models pass through your ChatGPT plan")],
  };
}

function proxy(o: CliOptions): Section {
  const any = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"].some((k) => o.env[k]);
  if (loopbackBypassed(o.env)) return { title: "Proxy", checks: [ok("loopback hosts covered by NO_PROXY/no_proxy")] };
  const check = any ? warn("a proxy is set but NO_PROXY/no_proxy does not cover all loopback hosts", "export NO_PROXY=127.0.0.1,localhost,::1 (codex-shim codex/app add it for Codex)") : info("no proxy configured");
  return { title: "Proxy", checks: [check] };
}

function codexConfig(o: CliOptions): Section {
  const file = o.codexConfigFile;
  if (!existsSync(file)) return { title: "Codex config", checks: [info(`${file} does not exist: codex-shim is not enabled`, "Enable it: codex-shim enable")] };
  const checks: Check[] = [ok(`config: ${file}`)];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { title: "Codex config", checks: [fail(`cannot read ${file}`, (e as Error).message)] };
  }
  let parsed: Record<string, any>;
  try {
    parsed = parseCodexConfig(text, file);
  } catch (e) {
    return { title: "Codex config", checks: [...checks, fail("config.toml does not parse", (e as Error).message)] };
  }
  try {
    removeManagedConfig(text);
  } catch (e) {
    if (e instanceof ManagedConfigError) checks.push(fail("managed block is damaged", e.message));
  }
  const st = readManagedState(text);
  if (st.legacy) checks.push(warn("a block from the Python codex-shim is present", "Run: codex-shim enable (it replaces it)"));
  if (!st.top && !st.tables) {
    checks.push(info("codex-shim is not enabled (no managed block)", "Enable it: codex-shim enable"));
    return { title: "Codex config", checks };
  }
  if (st.top !== st.tables) checks.push(fail(`only the ${st.top ? "top" : "tables"} managed block is present`, "Run: codex-shim enable (rewrites both)"));
  if (parsed.model_provider === PROVIDER_ID) checks.push(ok(`model_provider = "${PROVIDER_ID}"`));
  else checks.push(fail(`model_provider is ${JSON.stringify(parsed.model_provider)}, not "${PROVIDER_ID}"`, "Run: codex-shim enable"));
  checks.push(st.model ? ok(`active model: ${st.model}`) : warn("no model in the managed block"));
  if (st.catalogPath && !existsSync(st.catalogPath)) checks.push(fail(`model_catalog_json points to a missing file: ${st.catalogPath}`, "Run: codex-shim generate"));
  else if (st.catalogPath) {
    try {
      const c = JSON.parse(readFileSync(st.catalogPath, "utf8")) as { models: { slug: string }[] };
      if (st.model && !c.models.some((m) => m.slug === st.model)) checks.push(fail(`active model ${st.model} is not in the catalog`, "Pick another: codex-shim model use <slug>"));
    } catch {}
  }
  return { title: "Codex config", checks };
}


/** Local native-Responses rows: is `{base}/responses` there? */
async function responsesUpstreams(settings: Settings | null): Promise<Check[]> {
  const rows = (settings?.models ?? []).filter((m) => m.provider === "openai-responses");
  const probes = await Promise.all(rows.map(async (m) => [m, await probeResponsesEndpoint(m)] as const));
  return probes.flatMap(([m, p]) => (!p ? [] : p.ok ? [ok(`model ${m.slug}: ${m.baseUrl}/responses answers (HTTP ${p.status})`)] : [fail(`model ${m.slug}: ${p.reason}`, p.hint)]));
}

/** Every doctor section, in order. Read-only: no file is written and nothing is started. */
export async function runDoctorChecks(o: CliOptions): Promise<Section[]> {
  const { section: settingsSec, settings } = settingsSection(o);
  const active = managedModel(o) ?? (settings ? defaultUsableSlug(settings, o.env) : undefined);
  const [codex, d, upstreams, responses, link] = await Promise.all([codexCli(o), daemon(o), upstreamChecks(o, settings, active), responsesUpstreams(settings), codexShimLink(o, settings)]);
  upstreams.checks.push(...responses);
  return [runtime(), dependencies(), codex, settingsSec, upstreams, stateFiles(o, settings), d, passthrough(o), proxy(o), codexConfig(o), link];
}

function defaultUsableSlug(s: Settings, env: NodeJS.ProcessEnv): string | undefined {
  return s.models.find((m) => keyStatus(m, env).usable)?.slug;
}

export type { Check, CheckStatus, Section } from "./doctor-check-types.ts";
