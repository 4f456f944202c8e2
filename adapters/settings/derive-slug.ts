/** `slugify` of reference-behavior §3.3: lowercase, runs outside [a-z0-9] become "-". */
export function slugify(s: string): string {
  const out = s.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return out || "model";
}

export interface SlugSource {
  model: string;
  displayName: string;
  slug?: string;
  index: number;
}

/**
 * Slugs for all rows: explicit `slug`, else the display name when the same model string appears
 * in more than one row, else the model; collisions get `-<index>`, then `-<count>`.
 */
export function deriveSlugs(rows: SlugSource[]): string[] {
  const modelCount = new Map<string, number>();
  for (const r of rows) modelCount.set(r.model, (modelCount.get(r.model) ?? 0) + 1);
  const used = new Set<string>();
  return rows.map((r) => {
    const base = r.slug ?? ((modelCount.get(r.model) ?? 0) > 1 ? r.displayName : r.model);
    let slug = slugify(base);
    if (used.has(slug)) slug = `${slug}-${r.index}`;
    while (used.has(slug)) slug = `${slug}-${used.size}`;
    used.add(slug);
    return slug;
  });
}
