/**
 * Validation is pure over the repository's content, so a clean result is cached by a digest of
 * that content: an unchanged tree validates in milliseconds. Results with problems or with checks
 * that could not run are never cached.
 */
import { join } from 'node:path';
import { statePaths } from '../adapters/state-paths.js';
import { readJson, writeJsonAtomic } from '../adapters/local/files.js';
import { treeDigest } from '../adapters/local/tree-digest.js';
import type { Step, StepOutcome } from '../core/types.js';

const NOT_INPUTS = ['.git', 'node_modules', 'dist', '.dataship', 'target', 'dbt_packages', 'logs', '__pycache__', 'bench'];

export function cachedStep(opts: { step: Step; version: string }): Step {
  return {
    ...opts.step,
    async run(ctx) {
      const { digest } = await treeDigest({ dir: ctx.cwd, exclude: NOT_INPUTS });
      const file = join(statePaths({ cwd: ctx.cwd }).cache, `${opts.step.name}-${opts.version}-${digest.slice(7, 27)}.json`);
      const hit = await readJson<StepOutcome>({ path: file });
      if (hit && hit.status !== 'skipped') return { status: 'unchanged', summary: `${hit.summary} (cached: content unchanged)` };
      const outcome = await opts.step.run(ctx);
      const clean = outcome.status !== 'skipped' && !(outcome.details?.skipped as unknown[] | undefined)?.length;
      if (clean) await writeJsonAtomic({ path: file, value: outcome });
      return outcome;
    },
  };
}
