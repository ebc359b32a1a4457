/**
 * Lints dbt SQL with ONE `sqlfluff lint` run (Snowflake dialect, jinja templater, JSON output),
 * started in the dbt project directory so the project's `.sqlfluff` (macros, library path, rule
 * settings) applies.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { findOnPath } from './tools.js';

const run = promisify(execFile);

export interface SqlfluffViolation {
  file: string;
  line: number;
  column: number;
  code: string;
  description: string;
}

export type SqlfluffResult = { ok: true; violations: SqlfluffViolation[]; version?: string } | { ok: false; reason: string };

export async function lintSql(opts: {
  /** Absolute dbt project directory (the working directory of the run). */
  projectDir: string;
  /** Paths relative to projectDir (folders or files). */
  paths: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<SqlfluffResult> {
  const env = opts.env ?? process.env;
  if (!opts.paths.length) return { ok: true, violations: [] };
  const sqlfluff = await findOnPath('sqlfluff', env);
  if (!sqlfluff) return { ok: false, reason: 'sqlfluff is not installed (apt-get install sqlfluff)' };
  const processes = String(Math.max(1, Math.min(4, availableParallelism())));
  const args = ['lint', '--dialect', 'snowflake', '--templater', 'jinja', '--format', 'json', '--nofail', '--disable-progress-bar', '-p', processes, ...opts.paths];
  let stdout: string;
  try {
    ({ stdout } = await run(sqlfluff, args, { cwd: opts.projectDir, env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 300_000 }));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    if (!e.stdout?.trim().startsWith('[')) {
      return { ok: false, reason: `sqlfluff failed: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}` };
    }
    stdout = e.stdout;
  }
  const start = stdout.indexOf('[');
  let parsed: { filepath: string; violations: { line_no?: number; line_pos?: number; start_line_no?: number; start_line_pos?: number; code: string; description: string }[] }[];
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch {
    return { ok: false, reason: `sqlfluff printed no JSON: ${stdout.slice(0, 200)}` };
  }
  return {
    ok: true,
    violations: parsed.flatMap((f) =>
      f.violations.map((v) => ({
        file: f.filepath,
        line: v.line_no ?? v.start_line_no ?? 1,
        column: v.line_pos ?? v.start_line_pos ?? 1,
        code: v.code,
        description: v.description,
      })),
    ),
  };
}
