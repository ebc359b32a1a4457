/**
 * The embedded dbt runner: `dbt` on PATH (dbt-duckdb, or any adapter installed there). Its output is
 * streamed line by line through the logger (so secrets are redacted) and its artifacts land in the
 * directory the caller names.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import type { DbtRun, DbtRunner } from '../types.js';
import { findExecutable } from './find-executable.js';

export const DBT_INSTALL_HINT = 'dbt is not installed (pip install dbt-duckdb)';

/** Subcommands without `--target-path` (dbt ≥ 1.5); the environment variable still applies. */
const NO_TARGET_PATH = new Set(['deps', 'debug', 'init']);

export interface LocalDbtRunnerOptions {
  logger: Logger;
  /** The run's environment: PATH to find dbt, and whatever profiles.yml reads through env_var(). */
  env: Record<string, string | undefined>;
  /** `dbt` by default; a name looked up on PATH, or a path. */
  dbtBin?: string;
  /** dbt is stopped (SIGTERM, then SIGKILL) after this long; 60 minutes by default. */
  timeoutMs?: number;
}

/** The arguments dbt gets: the caller's, then target, project, profiles, target and log paths. */
export function dbtArgv(opts: { args: string[]; target: string; projectDir: string; artifactsDir: string }): string[] {
  const sub = opts.args.find((a) => !a.startsWith('-'));
  if (!sub) return [...opts.args];
  const argv = [...opts.args, '--target', opts.target, '--project-dir', opts.projectDir, '--profiles-dir', opts.projectDir];
  if (!NO_TARGET_PATH.has(sub)) argv.push('--target-path', opts.artifactsDir);
  argv.push('--log-path', opts.artifactsDir);
  return argv;
}

function signalExitCode(signal: NodeJS.Signals | null): number {
  const n = signal ? (osConstants.signals as Record<string, number>)[signal] : undefined;
  return 128 + (n ?? 0);
}

/**
 * The lines that say what went wrong: dbt's last `Encountered an error:` block, else the last
 * line naming an error, with the lines after it; one line, at most 400 characters.
 */
export function errorExcerpt(lines: string[]): string | undefined {
  const strip = (l: string) => l.replace(/^\d\d:\d\d:\d\d(\.\d+)?\s+/, '').trim();
  const lastIndex = (pred: (l: string) => boolean) => {
    for (let i = lines.length - 1; i >= 0; i--) if (pred(strip(lines[i]))) return i;
    return -1;
  };
  let at = lastIndex((l) => l.startsWith('Encountered an error'));
  if (at < 0) at = lastIndex((l) => /error|exception|traceback|not found|could not/i.test(l));
  if (at < 0) at = lines.length - 1;
  if (at < 0) return undefined;
  const text = lines.slice(at, at + 4).map(strip).filter(Boolean).join(' ').replace(/\s+/g, ' ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

export function createLocalDbtRunner(opts: LocalDbtRunnerOptions): DbtRunner {
  const { logger } = opts;
  const bin = opts.dbtBin ?? 'dbt';
  const timeoutMs = opts.timeoutMs ?? 60 * 60_000;
  const locate = () => findExecutable({ name: bin, env: opts.env });

  return {
    describe: () => `dbt on PATH (${bin})`,

    async available() {
      return (await locate()) ? { ok: true } : { ok: false, reason: DBT_INSTALL_HINT };
    },

    async run(run): Promise<DbtRun> {
      const path = await locate();
      if (!path) return { status: 'skipped', reason: DBT_INSTALL_HINT };
      const projectDir = resolve(run.projectDir);
      const artifactsDir = resolve(run.artifactsDir);
      const runResultsPath = join(artifactsDir, 'run_results.json');
      const manifestPath = join(artifactsDir, 'manifest.json');
      await mkdir(artifactsDir, { recursive: true });
      // Stale artifacts from an earlier run must never pass for this run's.
      await Promise.all([rm(runResultsPath, { force: true }), rm(manifestPath, { force: true })]);

      const argv = dbtArgv({ args: run.args, target: run.target, projectDir, artifactsDir });
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ DBT_USE_COLORS: 'false', ...opts.env, ...run.env })) if (v !== undefined) env[k] = v;
      env.DBT_TARGET_PATH = artifactsDir;
      env.DBT_LOG_PATH = artifactsDir;
      const command = `dbt ${run.args.join(' ')}`;
      logger.info(`${command} --target ${run.target} (project ${projectDir})`);

      const tail: string[] = [];
      const started = Date.now();
      const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>((done, fail) => {
        const child = spawn(path, argv, { cwd: projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let timedOut = false;
        let killer: NodeJS.Timeout | undefined;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        }, timeoutMs);
        const onLine = (line: string) => {
          tail.push(line);
          if (tail.length > 40) tail.shift();
          logger.info(line);
        };
        // Both streams must be fully read before the result is reported.
        const streams = [child.stdout, child.stderr].map(
          (s) => new Promise<void>((r) => createInterface({ input: s, crlfDelay: Infinity }).on('line', onLine).on('close', r)),
        );
        child.on('error', (err) => {
          clearTimeout(timer);
          clearTimeout(killer);
          fail(
            new DataShipError({
              code: 'EDBT',
              message: `cannot start dbt (${path}): ${err.message}`,
              operation: command,
              hint: 'Check that the dbt on PATH is executable and its Python environment is intact (`dbt --version`).',
              cause: err,
            }),
          );
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          clearTimeout(killer);
          void Promise.all(streams).then(() => done({ code, signal, timedOut }));
        });
      });

      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (outcome.timedOut) {
        throw new DataShipError({
          code: 'ETIMEOUT',
          message: `${command} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`,
          operation: command,
          hint: 'Look at the last dbt lines above for the model that hangs, or raise the runner timeout.',
        });
      }
      const exitCode = outcome.code ?? signalExitCode(outcome.signal);
      const result: DbtRun = { status: 'ran', exitCode };
      if (existsSync(runResultsPath)) result.runResultsPath = runResultsPath;
      if (existsSync(manifestPath)) result.manifestPath = manifestPath;

      if (exitCode !== 0) {
        const lastError = errorExcerpt(tail);
        const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${exitCode}`;
        if (!result.runResultsPath) {
          result.reason = `dbt ${how} after ${seconds} s and wrote no run_results.json${lastError ? `: ${lastError.trim()}` : ''}`;
          logger.error(result.reason);
        } else if (exitCode === 1) {
          result.reason = 'dbt finished with failing models or tests (exit 1)';
        } else {
          result.reason = `dbt ${how}${lastError ? `: ${lastError.trim()}` : ''}`;
        }
      } else {
        logger.info(`${command} finished in ${seconds} s`);
      }
      return result;
    },
  };
}
