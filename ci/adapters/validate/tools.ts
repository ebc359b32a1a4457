/** Finding executables on PATH without spawning a shell: the dbt runner's lookup, shared. */
import { findExecutable } from '../dbt/find-executable.js';

/** Absolute path of `name` on the PATH of `env`, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return (await findExecutable({ name, env })) ?? undefined;
}
