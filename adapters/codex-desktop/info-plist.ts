/**
 * The few things codex-shim reads and changes in an app bundle's XML Info.plist. Edits are
 * textual and touch only the hash's characters, so the rest of the file stays byte for byte.
 */

export class PlistError extends Error {}

/** The asar integrity entry Electron checks: `ElectronAsarIntegrity["Resources/app.asar"].hash`. */
const INTEGRITY =
  /<key>ElectronAsarIntegrity<\/key>\s*<dict>(?:\s*<key>[^<]*<\/key>\s*<dict>(?:(?!<\/dict>)[\s\S])*<\/dict>)*?\s*<key>Resources\/app\.asar<\/key>\s*<dict>((?:(?!<\/dict>)[\s\S])*)<\/dict>/;
const HASH = /<key>hash<\/key>\s*<string>([^<]*)<\/string>/;
const ALGORITHM = /<key>algorithm<\/key>\s*<string>([^<]*)<\/string>/;

/** Rejects what is not an XML plist (binary plists start with `bplist`). */
export function plistText(bytes: Buffer, file: string): string {
  if (bytes.subarray(0, 6).toString("latin1") === "bplist")
    throw new PlistError(`${file} is a binary property list; codex-shim edits XML plists only. Convert it with: plutil -convert xml1 "${file}"`);
  // latin1 maps each byte to one char, so writing the text back gives the same bytes
  const text = bytes.toString("latin1");
  if (!/<plist[\s>]/.test(text)) throw new PlistError(`${file} is not a property list (no <plist> element).`);
  return text;
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** A string value of the top-level dict, e.g. `CFBundleShortVersionString`. */
export function plistString(xml: string, key: string): string | undefined {
  const m = new RegExp(`<key>${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</key>\\s*<string>([^<]*)</string>`).exec(xml);
  return m ? unescapeXml(m[1]) : undefined;
}

/** "26.415.1 (1234)" from CFBundleShortVersionString and CFBundleVersion, or "unknown version". */
export function bundleVersion(xml: string): string {
  const short = plistString(xml, "CFBundleShortVersionString");
  const build = plistString(xml, "CFBundleVersion");
  if (short && build && build !== short) return `${short} (${build})`;
  return short ?? build ?? "unknown version";
}

interface IntegrityLocation {
  hash: string;
  algorithm?: string;
  /** Index of the hash's first character in the text. */
  start: number;
}

export function findAsarIntegrity(xml: string): IntegrityLocation | null {
  const m = INTEGRITY.exec(xml);
  if (!m) return null;
  const body = m[1];
  const h = HASH.exec(body);
  if (!h) return null;
  const bodyStart = m.index + m[0].length - "</dict>".length - body.length;
  const start = bodyStart + h.index + h[0].length - "</string>".length - h[1].length;
  return { hash: h[1], algorithm: ALGORITHM.exec(body)?.[1], start };
}

/** The plist text with the app.asar integrity hash replaced; throws when the entry is missing. */
export function withAsarIntegrityHash(xml: string, hash: string, file: string): string {
  const loc = findAsarIntegrity(xml);
  if (!loc) throw new PlistError(`${file} has no ElectronAsarIntegrity entry for Resources/app.asar.`);
  if (loc.algorithm && loc.algorithm.toUpperCase() !== "SHA256") throw new PlistError(`${file}: ElectronAsarIntegrity uses ${loc.algorithm}, codex-shim only knows SHA256.`);
  return xml.slice(0, loc.start) + hash + xml.slice(loc.start + loc.hash.length);
}
