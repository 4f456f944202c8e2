import { createActor, toPromise } from "xstate";
import { daemonMachine, type DaemonCommand, type DaemonDeps, type DaemonResult } from "../../machines/daemon.machine.ts";

/** Runs the daemon machine for one command to its final state. */
export async function runDaemonCommand(command: DaemonCommand, deps: DaemonDeps): Promise<DaemonResult> {
  const actor = createActor(daemonMachine, { input: { command, deps } });
  actor.start();
  return toPromise(actor);
}
