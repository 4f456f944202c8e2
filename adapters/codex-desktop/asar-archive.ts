import { closeSync, createReadStream, fstatSync, fsyncSync, openSync, readSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { createPackageFromStreams, getRawHeader, type AsarStreamType } from "@electron/asar";

/** One entry of an asar header, in header order (directories before their children). */
export interface AsarEntry {
  /** POSIX path inside the archive, without a leading slash (`webview/assets/x.js`). */
  path: string;
  kind: "file" | "directory" | "link";
  unpacked: boolean;
  size: number;
  /** Byte offset of a packed file's data after the header. */
  offset?: number;
  executable?: boolean;
  /** A link's target, relative to the archive root. */
  link?: string;
}

export interface AsarIndex {
  file: string;
  /** Size of the pickled header; file data starts at 8 + headerSize. */
  headerSize: number;
  entries: AsarEntry[];
}

export class AsarFormatError extends Error {}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  size?: number;
  offset?: string;
  unpacked?: boolean;
  executable?: boolean;
  link?: string;
}

/**
 * Reads the first 16 bytes and checks the two Pickle length prefixes before handing the file to
 * @electron/asar, which would otherwise allocate whatever a garbage length says.
 */
function checkPrefix(file: string): { headerSize: number; jsonLength: number } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new AsarFormatError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const b = Buffer.alloc(16);
    const n = readSync(fd, b, 0, 16, 0);
    const headerSize = n === 16 ? b.readUInt32LE(4) : 0;
    const jsonLength = n === 16 ? b.readUInt32LE(12) : 0;
    if (n !== 16 || b.readUInt32LE(0) !== 4 || headerSize + 8 > size || jsonLength + 8 > headerSize)
      throw new AsarFormatError(`${file} is not an asar archive (its header is missing or damaged).`);
    return { headerSize, jsonLength };
  } finally {
    closeSync(fd);
  }
}

/**
 * Hex SHA-256 of the archive's header JSON: the bytes [16, 16 + len) where len is the
 * little-endian uint32 at offset 12. This is what Electron checks against
 * `ElectronAsarIntegrity["Resources/app.asar"].hash` in Info.plist.
 */
export function asarHeaderHash(file: string): string {
  const { jsonLength } = checkPrefix(file);
  const fd = openSync(file, "r");
  try {
    const json = Buffer.alloc(jsonLength);
    readSync(fd, json, 0, jsonLength, 16);
    return createHash("sha256").update(json).digest("hex");
  } finally {
    closeSync(fd);
  }
}

/** The archive's entries in header order (no data is read). */
export function readAsarIndex(file: string): AsarIndex {
  checkPrefix(file);
  let raw: ReturnType<typeof getRawHeader>;
  try {
    raw = getRawHeader(file);
  } catch (e) {
    throw new AsarFormatError(`${file} is not a readable asar archive: ${(e as Error).message}`);
  }
  const entries: AsarEntry[] = [];
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (child.files) {
        entries.push({ path, kind: "directory", unpacked: !!child.unpacked, size: 0 });
        walk(child, path);
      } else if (child.link !== undefined) {
        entries.push({ path, kind: "link", unpacked: !!child.unpacked, size: 0, link: child.link });
      } else {
        entries.push({
          path,
          kind: "file",
          unpacked: !!child.unpacked,
          size: child.size ?? 0,
          ...(child.unpacked ? {} : { offset: Number(child.offset ?? 0) }),
          ...(child.executable ? { executable: true } : {}),
        });
      }
    }
  };
  walk(raw.header as HeaderNode, "");
  return { file, headerSize: raw.headerSize, entries };
}

/** A packed file's bytes (unpacked files live in `<archive>.unpacked/`). */
export function readAsarFile(index: AsarIndex, entry: AsarEntry): Buffer {
  if (entry.kind !== "file") throw new AsarFormatError(`${entry.path} is not a file in ${index.file}`);
  if (entry.unpacked) throw new AsarFormatError(`${entry.path} is stored outside ${index.file} (in its .unpacked folder)`);
  const fd = openSync(index.file, "r");
  try {
    const out = Buffer.alloc(entry.size);
    if (entry.size) readSync(fd, out, 0, entry.size, 8 + index.headerSize + (entry.offset ?? 0));
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a new archive at `dest` with the same entries, order, unpacked flags and executable
 * bits as `index`, and the given files' contents replaced. Untouched packed files are streamed
 * from the old archive; the header's per-file integrity is recomputed by @electron/asar.
 * Unpacked files are not part of the archive: the `<dest>.unpacked` copy the library makes is
 * removed (the original `<archive>.unpacked` stays valid because those files do not change).
 */
export async function repackAsar(index: AsarIndex, dest: string, replace: Map<string, Buffer>): Promise<void> {
  const dataStart = 8 + index.headerSize;
  const unpackedDir = `${index.file}.unpacked`;
  const streams: AsarStreamType[] = index.entries.map((e): AsarStreamType => {
    if (e.kind === "directory") return { type: "directory", path: e.path, unpacked: e.unpacked };
    if (e.kind === "link")
      return {
        type: "link",
        path: e.path,
        unpacked: e.unpacked,
        // the library joins the link with the entry's folder; the header stores it from the root
        symlink: posix.relative(posix.dirname(e.path), e.link!),
        stat: { mode: 0o644, size: 0 },
        streamGenerator: () => Readable.from([]),
      };
    const mode = e.executable ? 0o755 : 0o644;
    const replacement = replace.get(e.path);
    if (replacement) {
      if (e.unpacked) throw new AsarFormatError(`${e.path} is stored outside the archive (.unpacked); codex-shim cannot patch it`);
      return { type: "file", path: e.path, unpacked: false, stat: { mode, size: replacement.length }, streamGenerator: () => Readable.from([replacement]) };
    }
    const source = () =>
      e.unpacked
        ? createReadStream(join(unpackedDir, ...e.path.split("/")))
        : e.size === 0
          ? Readable.from([])
          : createReadStream(index.file, { start: dataStart + e.offset!, end: dataStart + e.offset! + e.size - 1 });
    return { type: "file", path: e.path, unpacked: e.unpacked, stat: { mode, size: e.size }, streamGenerator: source };
  });
  for (const p of replace.keys()) if (!index.entries.some((e) => e.path === p && e.kind === "file")) throw new AsarFormatError(`${p} is not a file in ${index.file}`);
  try {
    const out = await createPackageFromStreams(dest, streams);
    await finished(out);
    const fd = openSync(dest, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(`${dest}.unpacked`, { recursive: true, force: true });
  }
}
