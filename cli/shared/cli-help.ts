import { nearest } from "../../adapters/settings/nearest-word.ts";

/** What each option's value is called in `--help` (clipanion itself prints `#0`). */
const VALUE_NAMES: Record<string, string> = {
  "--settings": "<file>",
  "--port": "<n>",
  "-m,--model": "<slug>",
  "--api-key-env": "<VAR>",
  "--base-url": "<url>",
  "--prefer": "<chat|messages>",
  "--timeout": "<seconds>",
};

/** Replaces clipanion's `#0` value placeholders with names. */
export function nameOptionValues(text: string): string {
  return text.replace(/((?:-\w,)?--[\w-]+) #0/g, (_m, opt: string) => `${opt} ${VALUE_NAMES[opt] ?? "<value>"}`);
}

/** The global options, said once in the command list instead of on every line. */
export function dropGlobalOptions(overview: string): string {
  return overview.replace(/ \[--settings <file>\] \[--port <n>\]/g, "");
}

export const GLOBAL_OPTIONS_NOTE =
  "Global options (before or after the command name; for `codex`, before it): --settings <file> (default ~/.codex-shim/models.json), --port <n> (default: the running shim's port, else 8765).";

/**
 * Colours only for a terminal: never when piped or redirected, never with NO_COLOR
 * (https://no-color.org), always with FORCE_COLOR (other than 0).
 */
export function colorsWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0";
  return stream.isTTY === true && env.TERM !== "dumb";
}

export interface CommandInfo {
  path: string[];
  description: string;
}

const OPTIONS_WITH_VALUE = new Set(["--settings", "--port"]);

/** The command words of argv (`["model", "use", "sonnet"]`): not the global options and their values. */
export function commandWords(argv: string[]): string[] {
  return words(argv).words;
}

/** The words of argv that are not global options (and their values). */
function words(argv: string[]): { words: string[]; help: boolean } {
  const out: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a === "-h" || a === "--help") help = true;
    else if (a === "--") break;
    else if (!a.startsWith("-")) out.push(a);
    else if (out[0] === "codex") break;
  }
  return { words: out, help };
}

/**
 * What clipanion cannot say well, answered before it runs: an unknown command ("did you mean"),
 * and a command group (`model`, `opencode-go`) named without, or with an unknown, subcommand.
 * Returns null when clipanion should handle argv.
 */
export function preParse(argv: string[], commands: CommandInfo[]): { text: string; code: number } | null {
  const { words: w, help } = words(argv);
  if (!w.length) return null;
  const top = [...new Set(commands.map((c) => c.path[0]))];
  const first = w[0];
  if (first === "help") return null;
  if (!top.includes(first)) {
    const near = nearest(first, top);
    return {
      text: `codex-shim: unknown command '${first}'.${near ? ` Did you mean '${near}'?` : ""}\nCommands: ${top.join(", ")}. Help: codex-shim --help, or codex-shim <command> --help\n`,
      code: 1,
    };
  }
  const group = commands.filter((c) => c.path[0] === first && c.path.length > 1);
  if (!group.length || commands.some((c) => c.path.length === 1 && c.path[0] === first && !w[1])) return null;
  const subs = group.map((c) => c.path[1]);
  const list = group.map((c) => `  codex-shim ${c.path.join(" ")}${c.path[1] === "use" ? " <slug>" : ""}\n      ${c.description}`).join("\n");
  const groupHelp = `codex-shim ${first} <command>\n\n${list}\n\nDetails: codex-shim ${first} <command> --help\n`;
  if (!w[1]) return { text: help ? groupHelp : `codex-shim: '${first}' needs a command.\n\n${groupHelp}`, code: help ? 0 : 1 };
  if (!subs.includes(w[1])) {
    const near = nearest(w[1], subs);
    return { text: `codex-shim: unknown ${first} command '${w[1]}'.${near ? ` Did you mean '${first} ${near}'?` : ""}\n\n${groupHelp}`, code: 1 };
  }
  // clipanion would answer "Unknown Syntax Error: Not enough positional arguments."
  if (first === "model" && w[1] === "use" && w.length === 2 && !help) {
    return { text: "codex-shim: model use needs the model to switch to. The usable slugs: codex-shim list. Example: codex-shim model use sonnet\n\n$ codex-shim model use [--settings <file>] [--port <n>] <slug>\n", code: 1 };
  }
  return null;
}
