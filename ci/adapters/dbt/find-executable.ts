/**
 * `which` in Node: finds an executable on PATH without spawning a shell.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name`: itself when it contains a path separator, else the first
 * executable file called `name` in the directories of `env.PATH`. Null when there is none.
 */
export async function findExecutable(opts: { name: string; env: Record<string, string | undefined>; cwd?: string }): Promise<string | null> {
  const { name, env } = opts;
  if (name.includes('/') || isAbsolute(name)) {
    const p = resolve(opts.cwd ?? process.cwd(), name);
    return (await isExecutableFile(p)) ? p : null;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = resolve(opts.cwd ?? process.cwd(), join(dir, name));
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}
