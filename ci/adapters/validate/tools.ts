/** Finding executables on PATH without spawning a shell. */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Absolute path of `name` on the PATH of `env`, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
