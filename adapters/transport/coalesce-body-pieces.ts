/**
 * A body in pieces (one per history message, reused across turns) joined into chunks of about
 * `target` bytes. undici writes an iterable body one piece at a time — a socket write, and so a
 * system call, per piece: ~40 for a 30 KB Codex turn, ~1000 for 1 MB. Copying small neighbours
 * together costs a memcpy; a piece already as large as the target is passed on as it is.
 */
export function coalesceBodyPieces(pieces: readonly Buffer[], target = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const flush = () => {
    if (run.length) out.push(run.length === 1 ? run[0] : Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const p of pieces) {
    if (!p.length) continue;
    if (p.length >= target) {
      flush();
      out.push(p);
      continue;
    }
    run.push(p);
    runBytes += p.length;
    if (runBytes >= target) flush();
  }
  flush();
  return out;
}
