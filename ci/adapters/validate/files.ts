/** Finding and reading the repository files `validate` checks. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders never checked: tool output, dependencies, caches. */
export const SKIP_DIRS = new Set(['.git', 'node_modules', 'target', 'dbt_packages', 'logs', '__pycache__', '.terraform', '.venv', 'venv', 'dist', '.dataship']);

/**
 * Repository-relative paths (forward slashes, sorted) of the files under `dir` that `include`
 * accepts; a missing folder gives no files.
 */
export async function listFiles(opts: { root: string; dir: string; include: (rel: string) => boolean }): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    let entries;
    try {
      entries = await readdir(join(opts.root, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    await Promise.all(
      entries.map(async (e) => {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) await walk(child);
        } else if (e.isFile() && opts.include(child)) out.push(child);
      }),
    );
  };
  await walk(opts.dir === '.' ? '' : opts.dir.replace(/^\.\//, '').replace(/\/+$/, ''));
  return out.sort();
}

export async function readText(opts: { root: string; path: string }): Promise<string> {
  return readFile(join(opts.root, opts.path), 'utf8');
}
