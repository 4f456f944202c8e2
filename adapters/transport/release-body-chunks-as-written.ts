/**
 * A chunked upstream body that lets go of each chunk once undici has taken it. undici keeps the
 * body it was given for the whole exchange (its request, handler and abort listener all hold
 * it), so an array of chunks stays alive until the upstream's answer ends: under 64 concurrent
 * 250 KB turns ~16 MiB of sent bytes (a heap snapshot of the c64 phase, docs/performance.md
 * "RSS"). Read through this iterable (undici writes iterables chunk by chunk, the same path an
 * array takes), a written chunk is freed once the socket is done with it.
 */
export function* releaseBodyChunksAsWritten(chunks: Buffer[]): Generator<Buffer, void, undefined> {
  // `chunks` is the caller's own array (coalesceBodyPieces builds it); a few dozen at most
  for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) yield chunk;
}
