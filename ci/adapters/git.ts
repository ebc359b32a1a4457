/** The git commit a build comes from; `-dirty` when the working tree has uncommitted changes. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function gitRevision(opts: { cwd: string; env: Record<string, string | undefined> }): Promise<string> {
  const fromCi = opts.env.GITHUB_SHA || opts.env.GIT_COMMIT;
  try {
    const { stdout: sha } = await run('git', ['rev-parse', 'HEAD'], { cwd: opts.cwd });
    const { stdout: status } = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: opts.cwd });
    return `${sha.trim()}${status.trim() ? '-dirty' : ''}`;
  } catch {
    return fromCi || 'unknown';
  }
}
