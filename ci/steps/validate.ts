/**
 * `validate`: checks the whole repository — dbt, Airflow DAGs, Terraform, GitHub workflows and
 * actions, Jenkinsfiles, dataship.yaml — and reports every problem at once, each with file:line.
 * The checks run concurrently and each external tool runs once; a check that crashes becomes an
 * `<kind>/internal` problem, a tool that is missing a `skipped` entry with the reason.
 */
import { stat } from 'node:fs/promises';
import { DataShipError } from '../core/errors.js';
import { loadConfig } from '../core/config/load.js';
import type { DataShipConfig } from '../core/config/model.js';
import type { Logger, Step } from '../core/types.js';
import type { DbtIndex } from '../core/validate/dbt-project.js';
import {
  CHECK_KINDS,
  problem,
  sortProblems,
  toErrorProblems,
  type CheckKind,
  type CheckOutput,
  type SkippedCheck,
  type ValidateProblem,
} from '../core/validate/problem.js';
import { localValidateTools, type ValidateTools } from '../adapters/validate/index.js';
import {
  configCheck,
  dagsCheck,
  dbtCheck,
  jenkinsCheck,
  loadDbtIndex,
  sqlfluffCheck,
  terraformCheck,
  workflowsCheck,
  type CheckContext,
} from './validate-checks.js';

export interface CheckSummary {
  name: string;
  kind: CheckKind;
  status: 'passed' | 'failed' | 'skipped';
  /** Problems found (errors and warnings). */
  count: number;
  durationMs: number;
}

export interface ValidateResult {
  problems: ValidateProblem[];
  skipped: SkippedCheck[];
  durationMs: number;
  checks: CheckSummary[];
}

export interface ValidateOptions {
  cwd: string;
  /** Where the dbt project, DAGs and Terraform live; read from dataship.yaml when absent. */
  config?: DataShipConfig;
  logger?: Logger;
  /** Restricts the run to these kinds or check names (default: every check of all six kinds). */
  checks?: Array<CheckKind | CheckName>;
  /** The configuration file to check (default dataship.yaml). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  tools?: ValidateTools;
}

export const CHECK_NAMES = ['dbt/project', 'dbt/sqlfluff', 'dags', 'terraform', 'workflows', 'jenkins', 'config'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

const CHECKS: { name: CheckName; kind: CheckKind; run: (ctx: CheckContext) => Promise<CheckOutput> }[] = [
  { name: 'dbt/project', kind: 'dbt', run: dbtCheck },
  { name: 'dbt/sqlfluff', kind: 'dbt', run: sqlfluffCheck },
  { name: 'dags', kind: 'dags', run: dagsCheck },
  { name: 'terraform', kind: 'terraform', run: terraformCheck },
  { name: 'workflows', kind: 'workflows', run: workflowsCheck },
  { name: 'jenkins', kind: 'jenkins', run: jenkinsCheck },
  { name: 'config', kind: 'config', run: configCheck },
];

const DEFAULT_DIRS = { dbt: 'dbt', dags: 'airflow-dags', terraform: 'terraform' };

function dirsOf(config: DataShipConfig | undefined): CheckContext['dirs'] {
  const clean = (p: string | undefined, fallback: string) => (p ?? fallback).replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
  return {
    dbt: clean(config?.project?.dbtDir, DEFAULT_DIRS.dbt),
    dags: clean(config?.project?.dagsDir, DEFAULT_DIRS.dags),
    terraform: clean(config?.project?.terraformDir, DEFAULT_DIRS.terraform),
  };
}

/** Runs every check over the repository at `cwd`; never throws for problems in the content. */
export async function validateRepository(opts: ValidateOptions): Promise<ValidateResult> {
  const started = performance.now();
  const isDir = await stat(opts.cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new DataShipError({ code: 'EINPUT', message: `${opts.cwd} is not a directory`, operation: 'validate repository' });
  const env = opts.env ?? process.env;
  const tools = opts.tools ?? localValidateTools;
  let config = opts.config;
  if (!config) config = await loadConfig({ cwd: opts.cwd, file: opts.configFile, env }).then((l) => l.config, () => undefined);
  const base = { cwd: opts.cwd, env, tools, dirs: dirsOf(config), configFile: opts.configFile };
  let index: Promise<DbtIndex | undefined> | undefined;
  const ctx: CheckContext = { ...base, dbtIndex: () => (index ??= loadDbtIndex(base)) };
  const wanted = new Set<string>(opts.checks ?? CHECK_KINDS);

  const results = await Promise.all(
    CHECKS.filter((c) => wanted.has(c.kind) || wanted.has(c.name)).map(async (c) => {
      const t0 = performance.now();
      let output: CheckOutput;
      try {
        output = await c.run(ctx);
      } catch (err) {
        const where = c.kind === 'dbt' ? base.dirs.dbt : c.kind === 'dags' ? base.dirs.dags : c.kind === 'terraform' ? base.dirs.terraform : c.kind === 'workflows' ? '.github' : c.kind === 'jenkins' ? 'jenkins' : opts.configFile ?? 'dataship.yaml';
        output = {
          problems: [problem({ kind: c.kind, rule: `${c.kind}/internal`, message: `the ${c.name} check crashed: ${err instanceof Error ? err.message : String(err)}`, file: where, line: 1, hint: 'this is a bug in dataship; please report it' })],
          skipped: [],
        };
      }
      const durationMs = Math.round(performance.now() - t0);
      opts.logger?.debug(`validate: ${c.name} ${output.problems.length} problem(s) in ${durationMs} ms`);
      const status: CheckSummary['status'] = output.problems.length ? 'failed' : output.skipped.some((s) => s.check === c.name) ? 'skipped' : 'passed';
      return { summary: { name: c.name, kind: c.kind, status, count: output.problems.length, durationMs }, output };
    }),
  );
  return {
    problems: sortProblems(results.flatMap((r) => r.output.problems)),
    skipped: results.flatMap((r) => r.output.skipped),
    durationMs: Math.round(performance.now() - started),
    checks: results.map((r) => r.summary),
  };
}

/** A `validate` step: `unchanged` when clean; fails with `EVALIDATE` (exit 1) listing every problem. */
export function createValidateStep(opts: { checks?: Array<CheckKind | CheckName>; tools?: ValidateTools } = {}): Step {
  return {
    name: 'validate',
    async plan() {
      const kinds = opts.checks ?? [...CHECK_KINDS];
      return [{ action: 'check', target: kinds.join(', '), detail: 'read-only; reports every problem with file:line' }];
    },
    async run(ctx) {
      const result = await validateRepository({ cwd: ctx.cwd, config: ctx.config, logger: ctx.logger, env: ctx.env as NodeJS.ProcessEnv, checks: opts.checks, configFile: ctx.configPath, tools: opts.tools });
      for (const s of result.skipped) ctx.logger.warn(`validate: ${s.check} skipped: ${s.reason}`);
      const errors = result.problems.filter((p) => p.severity === 'error');
      // Errors travel in the step's error and are printed once by the runner; warnings only here.
      for (const p of result.problems.filter((x) => x.severity !== 'error')) {
        ctx.logger.warn(`[${p.rule}] ${p.message}`, { file: p.file, line: p.line, column: p.column, title: p.rule });
      }
      const details = { problems: result.problems, skipped: result.skipped, checks: result.checks, durationMs: result.durationMs };
      ctx.state.facts.validate = details;
      const skippedNote = result.skipped.length ? `, ${result.skipped.length} skipped (${result.skipped.map((s) => `${s.check}: ${s.reason}`).join('; ')})` : '';
      if (!errors.length) {
        const warnings = result.problems.length ? `, ${result.problems.length} warning(s)` : '';
        return { status: 'unchanged', summary: `${result.checks.length} checks, 0 problems${warnings}${skippedNote}`, details };
      }
      throw new DataShipError({
        code: 'EVALIDATE',
        message: `${errors.length} problem${errors.length === 1 ? '' : 's'} in ${new Set(errors.map((p) => p.file)).size} file(s) (${result.checks.length} checks${skippedNote})`,
        operation: 'validate repository',
        hint: 'fix every problem listed; each names its rule and file:line',
        problems: toErrorProblems(errors),
      });
    },
  };
}

/** The `validate` step over all six kinds with the tools on this machine. */
export const validateStep: Step = createValidateStep();
