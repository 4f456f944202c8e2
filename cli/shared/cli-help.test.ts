import { describe, expect, it } from "vitest";
import { colorsWanted, nameOptionValues, preParse, type CommandInfo } from "./cli-help.ts";
import { nearest } from "../../adapters/settings/nearest-word.ts";

const COMMANDS: CommandInfo[] = [
  { path: ["start"], description: "Start" },
  { path: ["status"], description: "Status" },
  { path: ["list"], description: "List" },
  { path: ["model", "list"], description: "List" },
  { path: ["model", "use"], description: "Use" },
  { path: ["codex"], description: "Codex" },
  { path: ["opencode-go", "refresh"], description: "Refresh" },
];

describe("preParse", () => {
  it("leaves known commands, help and options to clipanion", () => {
    for (const argv of [[], ["--help"], ["start"], ["--port", "8766", "start"], ["model", "use", "x"], ["model", "list", "--json"], ["codex", "--", "exec", "model"], ["codex", "exec", "-m", "stauts"]]) expect(preParse(argv, COMMANDS), argv.join(" ")).toBeNull();
  });
  it("suggests the nearest command, counting a swap as one typo", () => {
    expect(preParse(["stauts"], COMMANDS)?.text).toContain("Did you mean 'status'?");
    expect(preParse(["--settings", "x.json", "strat"], COMMANDS)?.text).toContain("Did you mean 'start'?");
    expect(nearest("stauts", ["start", "status"])).toBe("status");
    expect(nearest("zzzzzz", ["start", "status"])).toBeNull();
  });
  it("answers a group with its subcommands, and an unknown subcommand with a suggestion", () => {
    expect(preParse(["model", "--help"], COMMANDS)).toMatchObject({ code: 0 });
    expect(preParse(["model", "--help"], COMMANDS)!.text).toContain("codex-shim model use <slug>");
    expect(preParse(["opencode-go", "-h"], COMMANDS)!.text).toContain("codex-shim opencode-go refresh");
    expect(preParse(["model"], COMMANDS)).toMatchObject({ code: 1 });
    expect(preParse(["model", "uze", "x"], COMMANDS)!.text).toContain("Did you mean 'model use'?");
  });
});

describe("help text", () => {
  it("names option values instead of #0", () => {
    expect(nameOptionValues("codex-shim start [--settings #0] [--port #0] [-m,--model #0] [--weird #0]")).toBe(
      "codex-shim start [--settings <file>] [--port <n>] [-m,--model <slug>] [--weird <value>]",
    );
  });
  it("colours only for a terminal, never with NO_COLOR", () => {
    expect(colorsWanted({ isTTY: true }, {})).toBe(true);
    expect(colorsWanted({ isTTY: false }, {})).toBe(false);
    expect(colorsWanted({}, { TERM: "xterm-256color" })).toBe(false);
    expect(colorsWanted({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorsWanted({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(colorsWanted({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorsWanted({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
  });
});
