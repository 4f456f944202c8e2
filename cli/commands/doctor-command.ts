import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { runDoctorChecks } from "../shared/doctor-checks.ts";

export class DoctorCommand extends ShimCommand {
  static paths = [["doctor"]];
  static usage = Command.Usage({
    description: "Check the setup and name each problem (read-only); exit 1 only on FAIL",
    details: "Sections: runtime, dependencies, Codex CLI, settings and keys, state files, daemon health, ChatGPT login, proxy bypass, Codex config. Never prints a secret and never writes a file.",
    examples: [
      ["Check everything", "codex-shim doctor"],
      ["As JSON", "codex-shim doctor --json"],
    ],
  });
  json = Option.Boolean("--json", false, { description: "Print JSON" });

  async run(): Promise<number> {
    const sections = await runDoctorChecks(this.options);
    const all = sections.flatMap((s) => s.checks);
    const count = (st: string) => all.filter((c) => c.status === st).length;
    const failed = count("FAIL") > 0;
    if (this.json) {
      this.out(JSON.stringify({ ok: !failed, sections }, null, 2));
      return failed ? 1 : 0;
    }
    for (const s of sections) {
      this.out(s.title);
      for (const c of s.checks) {
        this.out(`  ${c.status.padEnd(5)} ${c.message}`);
        if (c.detail) for (const l of c.detail.split("\n")) this.out(`        ${l}`);
      }
      this.out("");
    }
    this.out("Summary");
    this.out(`  ${(failed ? "FAIL" : "OK").padEnd(5)} ${count("OK")} ok, ${count("WARN")} warn, ${count("FAIL")} fail, ${count("INFO")} info`);
    return failed ? 1 : 0;
  }
}
