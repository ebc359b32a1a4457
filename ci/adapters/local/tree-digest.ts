/**
 * A content digest of a directory: sha256 over the sorted (path, mode, sha256) of every file, with
 * excluded folders left out. Independent of mtimes, owners and the order the disk lists files in.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export async function listTree(opts: { dir: string; exclude?: string[] }): Promise<string[]> {
  const exclude = new Set(opts.exclude ?? []);
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const abs = join(d, e.name);
      const rel = relative(opts.dir, abs).split(sep).join('/');
      if (exclude.has(rel) || exclude.has(e.name)) continue;
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) out.push(rel);
    }
  };
  await walk(opts.dir);
  return out.sort();
}

export async function treeDigest(opts: { dir: string; exclude?: string[] }): Promise<{ digest: string; files: number }> {
  const files = await listTree(opts);
  const h = createHash('sha256');
  for (const rel of files) {
    const abs = join(opts.dir, rel);
    const [content, st] = await Promise.all([readFile(abs), stat(abs)]);
    const exec = st.mode & 0o111 ? '755' : '644';
    h.update(`${rel}\0${exec}\0${createHash('sha256').update(content).digest('hex')}\n`);
  }
  return { digest: `sha256:${h.digest('hex')}`, files: files.length };
}
