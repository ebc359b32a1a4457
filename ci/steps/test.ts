/**
 * `test`: runs dbt (build: models, seeds, snapshots and tests) for a release in an environment and
 * attests the result on the release. dbt missing is `skipped` with the install command, and the
 * attestation says so: a skipped check is never a pass.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentOf } from '../adapters/factory.js';
import { statePaths } from '../adapters/state-paths.js';
import { duckdbPathFor } from '../adapters/local/duckdb-warehouse.js';
import { DataShipError } from '../core/errors.js';
import type { CheckSummary } from '../core/run-record.js';
import { shortDigest } from '../core/release.js';
import type { RunContext, Step } from '../core/types.js';
import { currentRelease, targetEnv } from './resolve-release.js';

export const DBT_CHECK = 'dbt-tests';

/** dbt writes its own artifacts; they pass the redactor before anything reads or keeps them. */
async function redactDir(opts: { dir: string; redact: (text: string) => string }): Promise<void> {
  const { readdir, readFile, writeFile } = await import('node:fs/promises');
  for (const e of await readdir(opts.dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.(json|log|txt|sql|html|xml)$/.test(e.name)) continue;
    const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    const text = await readFile(path, 'utf8');
    const safe = opts.redact(text);
    if (safe !== text) await writeFile(path, safe);
  }
}

/** The dbt target: `local` (dbt-duckdb) when every backend is embedded. */
function dbtTarget(ctx: RunContext): string {
  return ctx.local ? 'local' : environmentOf({ config: ctx.config, env: targetEnv(ctx) }).dbt.target;
}

function publish(ctx: RunContext, check: CheckSummary): void {
  const checks = ((ctx.state.facts.checks as CheckSummary[] | undefined) ??= []);
  checks.push(check);
}

/** Runs dbt against `database` (defaults to the environment's) and attests the check under `<env>/dbt-tests`. */
export function dbtTestStep(opts: { database?: (ctx: RunContext) => string; name?: string } = {}): Step {
  return {
    name: opts.name ?? 'test',
    async plan(ctx) {
      const env = targetEnv(ctx);
      const envCfg = environmentOf({ config: ctx.config, env });
      const db = opts.database?.(ctx) ?? envCfg.warehouse.database;
      return [{ action: 'dbt', target: `${(envCfg.dbt.command ?? ['build']).join(' ')} --target ${dbtTarget(ctx)}`, detail: `in ${db}` }];
    },
    async run(ctx) {
      const env = targetEnv(ctx);
      const release = currentRelease(ctx);
      const envCfg = environmentOf({ config: ctx.config, env });
      const key = `${env}/${DBT_CHECK}`;
      const prior = release.checks[key];
      if (ctx.state.alreadyCurrent) {
        if (prior) publish(ctx, { name: DBT_CHECK, status: prior.status, summary: `${prior.summary ?? prior.status} (run ${prior.runId ?? '?'})` });
        return { status: 'unchanged', summary: `${env} already runs ${release.id}${prior ? `: ${prior.summary ?? prior.status}` : ''}` };
      }
      if (!ctx.local && envCfg.dbt.runner === 'ecs') {
        throw new DataShipError({
          code: 'ECONFIG',
          message: `${env} runs dbt as an ECS task, which this version of dataship cannot start yet`,
          hint: 'use --local (dbt on PATH), or set dbt.runner: local for this environment',
          location: { file: ctx.configPath },
        });
      }
      const avail = await ctx.adapters.dbt.available();
      if (!avail.ok) {
        const summary = `tests did not run: ${avail.reason}`;
        publish(ctx, { name: DBT_CHECK, status: 'skipped', summary });
        if (prior?.status !== 'skipped' || prior.digest !== release.image.digest) {
          await ctx.adapters.releases.addCheck({ releaseId: release.id, key, check: { status: 'skipped', summary: avail.reason, at: new Date().toISOString(), digest: release.image.digest, runId: ctx.runId } });
        }
        return { status: 'skipped', reason: avail.reason };
      }
      if (prior && (prior.status === 'pass' || prior.status === 'warn') && prior.digest === release.image.digest && !opts.database) {
        publish(ctx, { name: DBT_CHECK, status: prior.status, summary: `${prior.summary ?? prior.status} (run ${prior.runId ?? '?'})` });
        return { status: 'unchanged', summary: `${release.id} already tested in ${env}: ${prior.summary ?? prior.status}` };
      }
      const dbtDir = join(ctx.cwd, ctx.config.project.dbtDir);
      const { dbtProjectDigest } = await import('../adapters/images/code-layer.js');
      const treeDigestNow = await dbtProjectDigest({ dir: dbtDir });
      if (treeDigestNow !== release.dbt.projectDigest) {
        throw new DataShipError({
          code: 'EINPUT',
          message: `the dbt project in ${ctx.config.project.dbtDir} is not release ${release.id}'s (${shortDigest(treeDigestNow)} ≠ ${shortDigest(release.dbt.projectDigest)})`,
          hint: `check out ${release.gitSha} or build a new release`,
        });
      }
      const paths = statePaths({ cwd: ctx.cwd });
      const artifactsDir = join(paths.run(ctx.runId), `dbt-${env}`);
      await mkdir(artifactsDir, { recursive: true });
      const database = opts.database?.(ctx) ?? envCfg.warehouse.database;
      const run = await ctx.adapters.dbt.run({
        args: envCfg.dbt.command ?? ['build'],
        target: dbtTarget(ctx),
        projectDir: dbtDir,
        artifactsDir,
        env: { DATASHIP_DUCKDB_PATH: duckdbPathFor({ dir: paths.warehouse, database }), DATASHIP_DATABASE: database, DBT_QUERY_TAG: `dataship:${ctx.runId}:test:${env}` },
      });
      await redactDir({ dir: artifactsDir, redact: (t) => ctx.redactor.redact(t) });
      if (run.status === 'skipped' || !run.runResultsPath) {
        throw new DataShipError({ code: 'EDBT', message: `dbt exited with ${run.exitCode ?? '?'} and wrote no run_results.json`, operation: 'dbt build', hint: 'see the dbt output above' });
      }
      const { readFile } = await import('node:fs/promises');
      const { parseRunResults, checkSummaryFromRunResults } = await import('../core/dbt/run-results.js');
      const parsed = parseRunResults({ json: await readFile(run.runResultsPath, 'utf8'), source: run.runResultsPath });
      const check = checkSummaryFromRunResults({ parsed, name: DBT_CHECK });
      publish(ctx, check);
      const warnings = parsed.results.filter((r) => r.status === 'warn').length;
      await ctx.adapters.releases.addCheck({
        releaseId: release.id,
        key,
        check: { status: check.status === 'skipped' ? 'skipped' : check.status, summary: check.summary, at: new Date().toISOString(), digest: release.image.digest, runId: ctx.runId, warnings },
      });
      if (check.status === 'fail' || check.status === 'error') {
        throw new DataShipError({ code: 'EVERDICT', message: `dbt in ${env}: ${check.summary}`, hint: `artifacts in ${artifactsDir}` });
      }
      return { status: 'changed', summary: `dbt in ${env}: ${check.summary}`, details: { artifactsDir } };
    },
  };
}
