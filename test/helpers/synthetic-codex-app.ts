import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import { createPackageWithOptions } from "@electron/asar";
import { asarHeaderHash } from "../../adapters/codex-desktop/asar-archive.ts";

/** Current-style minified code around the two needles (Codex Desktop 26.x webview bundles). */
export const MODEL_QUERIES_JS =
  'import{j as r}from"./jsx-runtime-B7xQ.js";const Zt="gpt-5.5";' +
  "function Hn(e,c,o){const a=[];let u=c.useHiddenModels&&o!==`amazonBedrock`,d;return e.filter(m=>u?m.allowed:!0).forEach(m=>a.push(m)),a}" +
  'export{Hn as f,Zt as d};/* caf\u00e9 \u2014 not ASCII */\n';
export const SIGNALS_JS =
  "class Qs{constructor(e){this.params=e;this.recentConversationSortKey=`updated_at`}" +
  "listRecentThreads({cursor:e,limit:t,useStateDbOnly:n=!1}){return this.params.requestClient.sendRequest(`thread/list`,{limit:t,cursor:e,sortKey:this.recentConversationSortKey,modelProviders:null,archived:!1,sourceKinds:Ys,useStateDbOnly:n})}" +
  "listArchived({cursor:e}){return this.params.requestClient.sendRequest(`thread/list`,{cursor:e,modelProviders:null,archived:!0})}}export{Qs as A};\n";

export interface SyntheticApp {
  root: string;
  app: string;
  asarPath: string;
  plistPath: string;
  close(): void;
}

export function infoPlist(hash: string, extra = ""): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>CFBundleExecutable</key>
\t<string>Codex</string>
\t<key>CFBundleIdentifier</key>
\t<string>com.openai.codex</string>
\t<key>CFBundleShortVersionString</key>
\t<string>26.415.1</string>
\t<key>CFBundleVersion</key>
\t<string>2345</string>
\t<key>ElectronAsarIntegrity</key>
\t<dict>
\t\t<key>Resources/app.asar</key>
\t\t<dict>
\t\t\t<key>algorithm</key>
\t\t\t<string>SHA256</string>
\t\t\t<key>hash</key>
\t\t\t<string>${hash}</string>
\t\t</dict>
\t</dict>${extra}
</dict>
</plist>
`;
}

/**
 * A `Codex.app` in a temp dir laid out like the macOS one: Contents/Info.plist with the
 * integrity dict, Contents/MacOS/Codex, Contents/Resources/app.asar (a real archive made with
 * @electron/asar: webview assets with the needles, a native module left unpacked, a symlink).
 */
export async function buildSyntheticCodexApp(files: Record<string, string> = {}): Promise<SyntheticApp> {
  const root = mkdtempSync(join(tmpdir(), "codex-app-"));
  const app = join(root, "Codex.app");
  const src = join(root, "src");
  const tree: Record<string, string> = {
    "package.json": JSON.stringify({ name: "openai-codex-electron", version: "26.415.1", main: ".vite/build/main.js" }),
    ".vite/build/main.js": "require('electron');\n",
    "webview/index.html": "<!doctype html><script type=module src=./assets/index-Dk3.js></script>\n",
    "webview/assets/index-Dk3.js": 'import"./model-queries-C9xQ2.js";console.log("boot");\n',
    "webview/assets/model-queries-C9xQ2.js": MODEL_QUERIES_JS,
    "webview/assets/app-server-manager-signals-Bv7Lm.js": SIGNALS_JS,
    "node_modules/native/build/addon.node": "\u007fELF native bytes",
    ...files,
  };
  for (const [p, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(src, p)), { recursive: true });
    writeFileSync(join(src, p), text);
  }
  chmodSync(join(src, ".vite/build/main.js"), 0o755);
  symlinkSync("../webview/index.html", join(src, ".vite/index-link.html"));
  const resources = join(app, "Contents", "Resources");
  mkdirSync(resources, { recursive: true });
  const asarPath = join(resources, "app.asar");
  await finished(await createPackageWithOptions(src, asarPath, { unpack: "*.node" }));
  rmSync(src, { recursive: true, force: true });
  const plistPath = join(app, "Contents", "Info.plist");
  writeFileSync(plistPath, infoPlist(asarHeaderHash(asarPath)));
  mkdirSync(join(app, "Contents", "MacOS"), { recursive: true });
  writeFileSync(join(app, "Contents", "MacOS", "Codex"), "#!/bin/sh\nsleep 30\n", { mode: 0o755 });
  return { root, app, asarPath, plistPath, close: () => rmSync(root, { recursive: true, force: true }) };
}
