/**
 * One command, run to completion: load the configuration, build the context, run the steps and the
 * report, and return the exit code. Tests call this directly; the CLI is a thin shell around it.
 */
import { randomBytes } from 'node:crypto';
import { actorOf, detectCiHost, useColor } from './adapters/ci-host/detect.js';
import { createLogger, type Verbosity } from './adapters/ci-host/logger.js';
import { DataShipError, exitCodeFor, formatError, toDataShipError } from './core/errors.js';
import { Redactor } from './core/redact.js';
import type { RunRecord } from './core/run-record.js';
import type { Logger, RunContext, Step } from './core/types.js';
import type { DataShipConfig } from './core/config/model.js';
import { defaultEnvFor, type JobName } from './jobs.js';

export interface CommandOptions {
  command: string;
  job?: JobName;
  cwd: string;
  env: Record<string, string | undefined>;
  configFile?: string;
  local: boolean;
  dryRun: boolean;
  json: boolean;
  verbosity: Verbosity;
  envName?: string;
  releaseId?: string;
  toReleaseId?: string;
  overrideGate?: string;
  /** A pipeline composed by the caller (the zx scripts); default: the command's steps from jobs.ts. */
  steps?: (ctx: RunContext) => Promise<Step[]> | Step[];
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CommandResult {
  exitCode: 0 | 1 | 2 | 3;
  record?: RunRecord;
  error?: DataShipError;
}

export function newRunId(now = new Date()): string {
  // Sortable to the millisecond, so "the newest run" is the last name in order.
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** Shared set-up for every command: redactor, logger, configuration (with env secrets registered). */
export async function prepare(opts: CommandOptions): Promise<{ redactor: Redactor; logger: Logger; config: DataShipConfig; configPath: string }> {
  const redactor = new Redactor();
  const host = detectCiHost(opts.env);
  const logStream = opts.json ? opts.stderr : opts.stdout;
  const logger = createLogger({ host, redactor, stream: logStream, color: useColor({ env: opts.env, isTTY: Boolean(logStream.isTTY) }), verbosity: opts.verbosity });
  const { loadConfig } = await import('./core/config/load.js');
  const { config, path } = await loadConfig({ cwd: opts.cwd, file: opts.configFile, env: opts.env });
  // env: references cost nothing to look up, so their values are masked from the start.
  for (const ref of Object.values(config.secretRefs ?? {})) if (ref.startsWith('env:')) redactor.add(opts.env[ref.slice(4)]);
  return { redactor, logger, config, configPath: path };
}

export function printError(opts: { err: DataShipError; stream: NodeJS.WritableStream; redactor?: Redactor; env: Record<string, string | undefined> }): void {
  const text = formatError(opts.err);
  const safe = opts.redactor ? opts.redactor.redact(text) : text;
  if (detectCiHost(opts.env) === 'github') {
    for (const p of opts.err.problems.length ? opts.err.problems : [{ message: opts.err.message, location: opts.err.location }]) {
      const loc = p.location;
      const props = loc ? [`file=${loc.file}`, loc.line ? `line=${loc.line}` : '', loc.column ? `col=${loc.column}` : ''].filter(Boolean).join(',') : '';
      opts.stream.write(`::error ${props}::${(opts.redactor?.redact(p.message) ?? p.message).replace(/\n/g, '%0A')}\n`);
    }
  }
  opts.stream.write(`${safe}\n`);
}

export async function runCommand(opts: CommandOptions): Promise<CommandResult> {
  let redactor: Redactor | undefined;
  try {
    const prepared = await prepare(opts);
    redactor = prepared.redactor;
    const { config, logger, configPath } = prepared;
    const { createAdapters } = await import('./adapters/factory.js');
    const { runSteps } = await import('./core/engine.js');
    const { stepsFor } = await import('./jobs.js');
    const { reportStep } = await import('./steps/report.js');
    const startedAt = new Date();
    const adapters = createAdapters({ cwd: opts.cwd, config, env: opts.env, logger, local: opts.local, onSecret: (v) => prepared.redactor.add(v) });
    const ctx: RunContext = {
      cwd: opts.cwd,
      env: opts.env,
      logger,
      config,
      configPath,
      adapters,
      dryRun: opts.dryRun,
      local: opts.local,
      runId: newRunId(startedAt),
      job: opts.command === 'run' ? opts.job! : opts.command,
      redactor: prepared.redactor,
      actor: actorOf(opts.env),
      state: { results: [], facts: {}, env: opts.envName ?? defaultEnvFor(opts), gateOverride: opts.overrideGate },
      async secret(ref) {
        const { resolveSecret } = await import('./adapters/secrets.js');
        const value = await resolveSecret({ ref, env: opts.env, region: config.aws?.region });
        prepared.redactor.add(value);
        return value;
      },
    };
    const steps = opts.steps ? await opts.steps(ctx) : await stepsFor({ command: opts.command, job: opts.job, options: { env: opts.envName, releaseId: opts.releaseId, toReleaseId: opts.toReleaseId }, ctx });
    let record: RunRecord | undefined;
    let plan: Array<{ step: string; items: import('./core/types.js').PlanItem[] }> = [];
    const report = reportStep({ command: opts.command, startedAt, plan: () => plan, onRecord: (r) => (record = r) });
    const { renderText } = await import('./core/report/index.js');
    const hooks = {
      onStepStart: (step: { name: string }) => logger.debug(`${step.name}: start`),
      onStepEnd: (r: import('./core/types.js').StepResult) => {
        if (r.name === 'report') return;
        const line = `${r.status.padEnd(9)} ${r.name.padEnd(14)} ${`${(r.durationMs / 1000).toFixed(2)}s`.padStart(7)}  ${r.summary ?? r.reason ?? ''}`;
        if (r.status === 'failed') logger.error(line);
        else logger.info(line);
        if (r.status === 'failed' && r.error?.problems) {
          for (const p of r.error.problems as Array<{ message: string; path?: string; location?: { file: string; line?: number; column?: number } }>) {
            logger.error(p.message, p.location ? { file: p.location.file, line: p.location.line, column: p.location.column, title: p.path } : undefined);
          }
        }
      },
    };
    try {
      plan = (await runSteps({ steps, ctx, hooks })).plan;
      await runSteps({ steps: [report], ctx, hooks });
    } finally {
      await adapters.close();
    }
    if (!record) throw new DataShipError({ code: 'EINTERNAL', message: 'the report step produced no record' });
    const final: RunRecord = { ...record, steps: ctx.state.results };
    const color = useColor({ env: opts.env, isTTY: Boolean(opts.stdout.isTTY) }) && detectCiHost(opts.env) === 'terminal';
    if (opts.json) {
      const release = ctx.state.release ? (await ctx.adapters.releases.get(ctx.state.release.id).catch(() => null)) ?? ctx.state.release : undefined;
      opts.stdout.write(`${prepared.redactor.redact(JSON.stringify({ ...final, release }, null, 2))}\n`);
    } else if (opts.verbosity !== 'quiet') {
      opts.stdout.write(`${prepared.redactor.redact(renderText({ record: final, color }))}\n`);
    }
    const failed = final.steps.find((s) => s.status === 'failed');
    let exitCode: CommandResult['exitCode'] = 0;
    if (failed) exitCode = failed.error ? exitCodeFor(new DataShipError({ code: failed.error.code as never, message: String(failed.error.message) })) : 3;
    else if (final.verdict === 'failed') exitCode = 1;
    return { exitCode, record: final };
  } catch (err) {
    const e = toDataShipError(err, { code: 'EINTERNAL' });
    printError({ err: e, stream: opts.stderr, redactor, env: opts.env });
    if (opts.json) opts.stdout.write(`${(redactor ?? new Redactor()).redact(JSON.stringify({ error: e.toJSON() }, null, 2))}\n`);
    return { exitCode: exitCodeFor(e), error: e };
  }
}
