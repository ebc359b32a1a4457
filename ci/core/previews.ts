/** Pull-request preview environments: `pr-{pr}` → `pr-12` → 12. Pure. */
export function previewNumber(opts: { pattern: string | undefined; env: string }): number | null {
  if (!opts.pattern) return null;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${opts.pattern.split('{pr}').map(escape).join('(\\d+)')}$`);
  const m = re.exec(opts.env);
  return m ? Number(m[1]) : null;
}
