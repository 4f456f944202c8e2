import { describe, expect, it } from "vitest";
import { globToRegExp, planPatch, PICKER_ALLOWLIST_PATCH, PICKER_MARKER, SIDEBAR_PROVIDER_PATCH } from "./desktop-patches.ts";
import { bundleVersion, findAsarIntegrity, plistText, withAsarIntegrityHash } from "./info-plist.ts";
import { pidsRunningFrom, quitAppleScript, restartCodexDesktop, type RestartDeps } from "./codex-desktop-process.ts";
import { infoPlist } from "../../test/helpers/synthetic-codex-app.ts";

const one = (path: string, text: string) => new Map([[path, text]]);
const MQ = "webview/assets/model-queries-X1.js";
const SIG = "webview/assets/app-server-manager-signals-Y2.js";

describe("picker allowlist patch", () => {
  const cases: [string, string][] = [
    ["let u=c.useHiddenModels&&o!==`amazonBedrock`,d;u.forEach(x)", `let u=${PICKER_MARKER}!1,d;u.forEach(x)`],
    ["s=i&&e!==`amazonBedrock`;s.forEach(x)", `s=${PICKER_MARKER}!1;s.forEach(x)`],
    ['const $a=t.useHiddenModels&&n!=="amazonBedrock",b=1', `const $a=${PICKER_MARKER}!1,b=1`],
  ];
  it.each(cases)("%s", (input, output) => {
    const plan = planPatch(PICKER_ALLOWLIST_PATCH, one(MQ, input));
    expect(plan).toEqual({ status: "patch", file: MQ, text: output });
    expect(planPatch(PICKER_ALLOWLIST_PATCH, one(MQ, output))).toEqual({ status: "applied", file: MQ });
  });

  it("does not match a member expression or another provider", () => {
    expect(planPatch(PICKER_ALLOWLIST_PATCH, one(MQ, "a.u=c.useHiddenModels&&o!==`amazonBedrock`;")).status).toBe("missing");
    expect(planPatch(PICKER_ALLOWLIST_PATCH, one(MQ, "let u=c.useHiddenModels&&o!==`azure`,d;")).status).toBe("missing");
  });

  it("refuses two matches, and prefers the specific files over the *.js fallback", () => {
    const twice = "let u=c.useHiddenModels&&o!==`amazonBedrock`,d;let v=c.useHiddenModels&&o!==`amazonBedrock`;";
    expect(planPatch(PICKER_ALLOWLIST_PATCH, one(MQ, twice))).toEqual({ status: "ambiguous", matches: [{ file: MQ, count: 2 }] });
    const files = new Map([
      ["webview/assets/index-A.js", "let q=c.useHiddenModels&&o!==`amazonBedrock`;"],
      [MQ, "let u=c.useHiddenModels&&o!==`amazonBedrock`,d;"],
    ]);
    expect(planPatch(PICKER_ALLOWLIST_PATCH, files)).toMatchObject({ status: "patch", file: MQ });
    expect(planPatch(PICKER_ALLOWLIST_PATCH, new Map([["webview/assets/index-A.js", "let q=c.useHiddenModels&&o!==`amazonBedrock`;"]]))).toMatchObject({
      status: "patch",
      file: "webview/assets/index-A.js",
    });
  });

  it("names the globs it searched when nothing matches", () => {
    expect(planPatch(PICKER_ALLOWLIST_PATCH, one("webview/assets/other.js", "nothing here"))).toEqual({
      status: "missing",
      globs: ["webview/assets/models-and-reasoning-efforts-*.js", "webview/assets/model-queries-*.js", "webview/assets/*.js"],
    });
  });
});

describe("sidebar provider patch", () => {
  it("changes only modelProviders inside listRecentThreads and keeps useStateDbOnly (the original dropped it)", () => {
    const src =
      "listArchived(){return x({modelProviders:null})}listRecentThreads({cursor:e,limit:t,useStateDbOnly:n=!1}){return this.params.requestClient.sendRequest(`thread/list`,{limit:t,cursor:e,sortKey:this.recentConversationSortKey,modelProviders:null,archived:!1,sourceKinds:Ys,useStateDbOnly:n})}";
    const plan = planPatch(SIDEBAR_PROVIDER_PATCH, one(SIG, src));
    expect(plan.status).toBe("patch");
    const text = (plan as { text: string }).text;
    expect(text).toBe(src.replace("recentConversationSortKey,modelProviders:null", "recentConversationSortKey,modelProviders:[]"));
    expect(text).toContain("listArchived(){return x({modelProviders:null})}");
    expect(text).toContain("useStateDbOnly:n})}");
    expect(planPatch(SIDEBAR_PROVIDER_PATCH, one(SIG, text))).toEqual({ status: "applied", file: SIG });
  });

  it("recognises the Python original's patched form as applied", () => {
    const py = "listRecentThreads({cursor:e,limit:t}){return this.params.requestClient.sendRequest(`thread/list`,{limit:t,cursor:e,sortKey:this.recentConversationSortKey,modelProviders:[],archived:!1,sourceKinds:Ys})}";
    expect(planPatch(SIDEBAR_PROVIDER_PATCH, one(SIG, py)).status).toBe("applied");
  });

  it("globs match within one path segment", () => {
    expect(globToRegExp("webview/assets/*.js").test("webview/assets/a-b.js")).toBe(true);
    expect(globToRegExp("webview/assets/*.js").test("webview/assets/sub/a.js")).toBe(false);
  });
});

describe("Info.plist", () => {
  it("finds and replaces only the app.asar hash, byte for byte elsewhere", () => {
    const xml = infoPlist("aa".repeat(32), "\n\t<key>Other</key>\n\t<string>caf\u00c3\u00a9</string>");
    const loc = findAsarIntegrity(xml)!;
    expect(loc).toMatchObject({ hash: "aa".repeat(32), algorithm: "SHA256" });
    const next = withAsarIntegrityHash(xml, "bb".repeat(32), "Info.plist");
    expect(next).toBe(xml.replace("aa".repeat(32), "bb".repeat(32)));
    expect(bundleVersion(xml)).toBe("26.415.1 (2345)");
  });

  it("skips other integrity entries and refuses binary plists and missing entries", () => {
    const xml = infoPlist("cc".repeat(32)).replace(
      "<key>ElectronAsarIntegrity</key>\n\t<dict>",
      "<key>ElectronAsarIntegrity</key>\n\t<dict>\n\t\t<key>Resources/other.asar</key>\n\t\t<dict>\n\t\t\t<key>hash</key>\n\t\t\t<string>dd</string>\n\t\t</dict>",
    );
    expect(findAsarIntegrity(xml)?.hash).toBe("cc".repeat(32));
    expect(() => plistText(Buffer.from("bplist00\u0000"), "/x/Info.plist")).toThrow(/binary property list.*plutil -convert xml1/);
    expect(() => withAsarIntegrityHash("<plist><dict></dict></plist>", "ab", "/x/Info.plist")).toThrow("/x/Info.plist has no ElectronAsarIntegrity entry for Resources/app.asar.");
  });
});

describe("Codex Desktop processes", () => {
  it("finds processes running from the bundle, not others", () => {
    const ps = ["  101 /Applications/Codex.app/Contents/MacOS/Codex", "  102 /Applications/Codex.app/Contents/Frameworks/Codex Helper (Renderer).app/Contents/MacOS/Codex Helper", "  103 /Applications/Codex Beta.app/Contents/MacOS/Codex", "  104 vim /Applications/Codex.app.txt"].join("\n");
    expect(pidsRunningFrom("/Applications/Codex.app", ps, 1)).toEqual([101, 102]);
    expect(quitAppleScript("com.openai.codex")).toBe('if application id "com.openai.codex" is running then tell application id "com.openai.codex" to quit');
  });

  /** Scripted IO: Codex "runs" for `runningFor` more polls after being asked to quit. */
  function fakeDeps(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}, opts: { exists?: boolean; runningFor?: number } = {}) {
    const calls: string[] = [];
    let polls = opts.runningFor ?? 1;
    const d: RestartDeps = {
      platform,
      env,
      run: async (file, args) => {
        calls.push(`run ${file} ${args.join(" ")}`);
        const running = (file === "pgrep" || file === "tasklist") && polls-- > 0;
        if (file === "pgrep") return { code: running ? 0 : 1 };
        if (file === "tasklist") return { code: 0, stdout: running ? "Codex.exe  4242 Console  1  200,000 K" : "INFO: No tasks are running which match the specified criteria." };
        return { code: 0 };
      },
      launch: (file) => void calls.push(`launch ${file}`),
      exists: () => opts.exists ?? true,
      sleep: async () => {},
    };
    return { d, calls };
  }

  it("restarts on macOS with AppleScript and open -a once Codex has exited, on Windows with taskkill and %LOCALAPPDATA%, not at all on Linux", async () => {
    const mac = fakeDeps("darwin");
    expect(await restartCodexDesktop(mac.d)).toEqual({ restarted: true, note: "Codex Desktop was restarted." });
    expect(mac.calls).toEqual([`run osascript -e ${quitAppleScript()}`, "run pgrep -x Codex", "run pgrep -x Codex", "run open -a Codex"]);
    const patched = fakeDeps("darwin", {}, { runningFor: 0 });
    await restartCodexDesktop(patched.d, { macBundle: "/Users/me/Applications/Codex.app" });
    expect(patched.calls.at(-1)).toBe("run open -a /Users/me/Applications/Codex.app");
    const stuck = fakeDeps("darwin", {}, { runningFor: 1000 });
    expect(await restartCodexDesktop(stuck.d)).toMatchObject({ restarted: false, note: expect.stringContaining("did not quit within 10 s") });
    expect(stuck.calls.filter((c) => c.startsWith("run pgrep"))).toHaveLength(20);
    expect(stuck.calls.some((c) => c.startsWith("run open"))).toBe(false);

    const win = fakeDeps("win32", { LOCALAPPDATA: "C:\\Users\\me\\AppData\\Local" });
    expect((await restartCodexDesktop(win.d)).restarted).toBe(true);
    expect(win.calls[0]).toBe("run taskkill /IM Codex.exe");
    expect(win.calls.at(-1)).toMatch(/^launch C:\\Users\\me\\AppData\\Local.Programs.Codex.Codex\.exe$/);
    const noExe = fakeDeps("win32", { LOCALAPPDATA: "C:\\L" }, { exists: false });
    expect(await restartCodexDesktop(noExe.d)).toMatchObject({ restarted: false, note: expect.stringContaining("was not found to relaunch it") });
    const linux = fakeDeps("linux");
    expect(await restartCodexDesktop(linux.d)).toMatchObject({ restarted: false });
    expect(linux.calls).toEqual([]);
  });
});
