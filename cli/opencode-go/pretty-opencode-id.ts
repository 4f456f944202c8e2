const WORDS: Record<string, string> = { glm: "GLM", kimi: "Kimi", deepseek: "DeepSeek", qwen: "Qwen", minimax: "MiniMax", mimo: "MiMo" };

/** `glm-5.1` → `GLM 5.1`, `qwen3.7-max` → `Qwen3.7 Max`, `k2` → `K2` (reference-behavior §2.14). */
export function prettyOpencodeId(id: string): string {
  return id
    .split(/[-\s]+/)
    .filter(Boolean)
    .map((part) => {
      const lower = part.toLowerCase();
      if (WORDS[lower]) return WORDS[lower];
      if (lower.startsWith("qwen")) return `Qwen${part.slice(4)}`;
      if (/^[a-z]\d+$/i.test(part)) return part[0].toUpperCase() + part.slice(1);
      return part[0].toUpperCase() + part.slice(1);
    })
    .join(" ");
}
