import { describe, expect, it } from "vitest";
import { commandsFor } from "./main.ts";
import { COMMANDS } from "./commands/all-commands.ts";
import { ServeCommand } from "./commands/serve-command.ts";

describe("commandsFor: the daemon loads only the serve command", () => {
  it.each([[["serve"]], [["serve", "--port", "9000"]], [["--settings", "./models.json", "serve"]], [["serve", "--help"]], [["--port", "1", "serve", "--daemon-record"]]])("%j → serve only", async (argv) => {
    expect(await commandsFor(argv)).toEqual([ServeCommand]);
  });

  it.each([[[]], [["list"]], [["serve", "extra"]], [["--help"]], [["sevre"]], [["--settings", "serve", "list"]]])("%j → every command", async (argv) => {
    expect(await commandsFor(argv)).toBe(COMMANDS);
  });
});
