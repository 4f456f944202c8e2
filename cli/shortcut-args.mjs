// Argument mapping of the shortcut bins (plain JS: the bins load it before the TypeScript CLI).

const WITH_VALUE = new Set(["--settings", "--port"]);

/** `codex-app [options] [path]` = `codex-shim app [options] [path]`. */
export function codexAppArgs(argv) {
  return ["app", ...argv];
}

export const CODEX_MODEL_USAGE = `Usage: codex-model [list | <slug>] [--json] [--settings FILE] [--port N]
  codex-model            list the models (= codex-shim model list)
  codex-model list       the same
  codex-model <slug>     make Codex use that model (= codex-shim model use <slug>)
`;

/**
 * `codex-model [list|<slug>]` → `model list …` / `model use <slug> …`; options are passed on.
 * Returns `{ args }`, or `{ exit, out|err }` for help and usage errors.
 */
export function codexModelArgs(argv) {
  const words = [];
  const options = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return { exit: 0, out: CODEX_MODEL_USAGE };
    if (WITH_VALUE.has(a)) {
      if (i + 1 >= argv.length) return { exit: 2, err: `codex-model: ${a} needs a value.\n${CODEX_MODEL_USAGE}` };
      options.push(a, argv[++i]);
    } else if (a.startsWith("-")) options.push(a);
    else words.push(a);
  }
  if (words.length > 1) return { exit: 2, err: `codex-model: expected one model slug, got ${words.length}: ${words.join(" ")}\n${CODEX_MODEL_USAGE}` };
  if (!words.length || words[0] === "list") return { args: ["model", "list", ...options] };
  return { args: ["model", "use", words[0], ...options] };
}
