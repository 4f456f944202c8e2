import { Command } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { formatDemoTable, runRouterDemo } from "../router-demo/run-router-demo.ts";

export class RouterDemoCommand extends ShimCommand {
  static paths = [["router", "demo"]];
  static usage = Command.Usage({
    description: "Show the auto-router deciding, offline: mock models on loopback, the real server, a PASS/FAIL table",
    details:
      "Starts a mock multi-model upstream and the real server with a temporary router config (cheap / mid / strong, a keyword classifier), then sends one request per case: trivial, medium and hard tasks, an image, a tool-call turn served from its decision, a 429 spilled to the next candidate, and the heuristic classifier. No keys, no network, nothing in ~/.codex is touched. Exits 1 if any case fails.",
    examples: [["Run the demo", "codex-shim router demo"]],
  });

  async run(): Promise<number> {
    const lines: string[] = [];
    const rows = await runRouterDemo((l) => lines.push(l));
    this.out(formatDemoTable(rows));
    this.out("");
    this.out("Router log:");
    for (const l of lines.filter((x) => x.startsWith("[router]"))) this.out(`  ${l}`);
    const ok = rows.every((r) => r.pass);
    this.out("");
    this.out(`RESULT: ${ok ? "PASS" : "FAIL"}`);
    return ok ? 0 : 1;
  }
}
