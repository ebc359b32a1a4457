/**
 * Top-level module names a Python file imports, found line by line (no Python parser in Node).
 * Used to keep helper packages in a bundle: Airflow's docs advise listing them in .airflowignore
 * so the DAG processor does not scan them, yet DAG files import them from the DAG folder.
 * Errs on the side of keeping: an `import x` line inside a string also counts.
 */
const FROM = /^\s*from\s+([A-Za-z_][\w.]*)\s+import\b/;
const IMPORT = /^\s*import\s+(.+)$/;

export function importedTopLevelNames(source: string): Set<string> {
  const out = new Set<string>();
  for (const raw of source.split('\n')) {
    const line = raw.replace(/#.*/, '');
    const f = FROM.exec(line);
    if (f) {
      out.add(f[1].split('.')[0]);
      continue;
    }
    const i = IMPORT.exec(line);
    if (!i) continue;
    for (const part of i[1].split(';')[0].replace(/[()\\]/g, '').split(',')) {
      const name = /^\s*([A-Za-z_][\w.]*)/.exec(part)?.[1];
      if (name) out.add(name.split('.')[0]);
    }
  }
  return out;
}
