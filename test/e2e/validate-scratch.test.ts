import { it } from 'vitest';
import { validateRepository } from '../../ci/steps/validate.js';
import { formatProblem } from '../../ci/core/validate/problem.js';
it('scratch', async () => {
  const r = await validateRepository({ cwd: process.env.VT_CWD ?? '/work/main', checks: process.env.VT_CHECKS ? (process.env.VT_CHECKS.split(',') as any) : undefined });
  for (const p of r.problems) console.log(formatProblem(p));
  console.log(JSON.stringify({ skipped: r.skipped, checks: r.checks, durationMs: r.durationMs }));
});
