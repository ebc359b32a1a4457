/**
 * Inspects every DAG file in ONE `python3` process running the embedded `ast` program
 * (`dag-inspect-script.ts`); Airflow need not be installed.
 */
import { spawn } from 'node:child_process';
import type { DagInspection } from '../../core/validate/dags-checks.js';
import { DAG_INSPECT_SCRIPT } from './dag-inspect-script.js';
import { findOnPath } from './tools.js';

export type DagInspectResult = { ok: true; inspection: DagInspection } | { ok: false; reason: string };

export async function inspectDagFiles(opts: {
  /** Absolute DAGs folder (helper modules are resolved inside it). */
  root: string;
  /** Absolute path and repository-relative name of each file. */
  files: { path: string; rel: string }[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<DagInspectResult> {
  const env = opts.env ?? process.env;
  if (!opts.files.length) return { ok: true, inspection: { files: [] } };
  const python = (await findOnPath('python3', env)) ?? (await findOnPath('python', env));
  if (!python) return { ok: false, reason: 'python3 is not installed (apt-get install python3)' };
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', DAG_INSPECT_SCRIPT], { env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `python3 could not start: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      try {
        if (code !== 0) throw new Error(signal ? `killed by ${signal}` : `exit ${code}`);
        resolve({ ok: true, inspection: JSON.parse(stdout) as DagInspection });
      } catch (e) {
        const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ');
        resolve({ ok: false, reason: `the DAG inspector failed (${(e as Error).message}): ${stderr}` });
      }
    });
    child.stdin.end(JSON.stringify({ root: opts.root, files: opts.files }));
  });
}
