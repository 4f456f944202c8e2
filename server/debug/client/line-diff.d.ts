export interface DiffRow {
  kind: "same" | "changed" | "del" | "add";
  a?: string;
  b?: string;
  /** Line index on each side, -1 when the row has no line there. */
  ai: number;
  bi: number;
}
export interface FoldRow {
  fold: number;
  rows: DiffRow[];
}
export function diffLines(left: string, right: string): DiffRow[];
export function foldRows(rows: DiffRow[], context?: number, minFold?: number): (DiffRow | FoldRow)[];
