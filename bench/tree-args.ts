import { resolve } from "node:path";

/**
 * The command line of the A/B tools (ab-shim, ab-rss, ab-throughput): the trees to compare, then
 * `--name value` options. Exits with `usage` when no tree is named.
 */
export function treeArgs(argv: readonly string[], valued: readonly string[], usage: string): { trees: string[]; opt: (name: string, dflt: string) => string } {
  const names = new Set(valued);
  const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
  const trees = argv.filter((a, i) => !a.startsWith("--") && !names.has(argv[i - 1] ?? "")).map((t) => resolve(t));
  if (!trees.length) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { trees, opt };
}
