import { closeSync, readdirSync, readFileSync } from "node:fs";

const O_CLOEXEC = 0o2000000;

/**
 * Closes the descriptors above stderr that the daemon inherited from whoever ran `codex-shim
 * start` (libuv's spawn on Linux passes on every descriptor not marked close-on-exec). A shell
 * wrapper such as `codex-shim enable 2> >(grep …)` leaves its pipe at fd 63: a daemon holding it
 * keeps the wrapper waiting for EOF for as long as the daemon runs. Node's own descriptors are all
 * close-on-exec, so "no O_CLOEXEC" is exactly "inherited". Linux only (/proc); macOS's spawn
 * already closes them (POSIX_SPAWN_CLOEXEC_DEFAULT). Returns the descriptors it closed.
 */
export function closeInheritedFds(): number[] {
  let fds: number[];
  try {
    fds = readdirSync("/proc/self/fdinfo").map(Number).filter((n) => Number.isInteger(n) && n > 2);
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const fd of fds) {
    let flags: number;
    try {
      const m = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
      if (!m) continue;
      flags = parseInt(m[1], 8);
    } catch {
      continue; // the descriptor of the directory listing itself, already gone
    }
    if (flags & O_CLOEXEC) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {}
  }
  return closed;
}
