/** DAG folders for tests and hashing what a host serves through `current`. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../ci/core/types.js';

/** A DAG file Airflow would parse; `variant` changes its content. */
export function dagSource(i: number, variant = 0, tasks = 5): string {
  const lines = [
    `"""DAG ${i} (variant ${variant})."""`,
    'from datetime import datetime',
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    'from helpers.common import default_args',
    '',
    `with DAG(dag_id="estat_${i}", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False, default_args=default_args) as dag:`,
  ];
  for (let t = 0; t < tasks; t++) lines.push(`    t${t} = BashOperator(task_id="task_${t}", bash_command="dbt run --select model_${i}_${t} --vars '{v: ${variant}}'")`);
  lines.push(`    ${Array.from({ length: tasks }, (_, t) => `t${t}`).join(' >> ')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes `files` (path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
}

/** A DAG folder of `count` DAGs plus a helper package, SQL template and .airflowignore. */
export function dagFolder(opts: { count: number; variant?: (i: number) => number; tasks?: number }): Record<string, string> {
  const files: Record<string, string> = {
    '.airflowignore': 'scratch/\n',
    'helpers/__init__.py': '',
    'helpers/common.py': 'from datetime import timedelta\n\ndefault_args = {"retries": 2, "retry_delay": timedelta(minutes=5)}\n',
    'sql/estat_load.sql': 'select * from {{ params.table }}\n',
  };
  for (let i = 0; i < opts.count; i++) files[`dags/dag_${String(i).padStart(3, '0')}.py`] = dagSource(i, opts.variant?.(i) ?? 0, opts.tasks);
  return files;
}

/** path → sha256 of every non-directory entry under `dir` (following the `current` symlink). */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(a).isDirectory()) walk(a, r);
      else out[r] = createHash('sha256').update(readFileSync(a)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** path → sha256 of a manifest, for comparing with hashTree. */
export function manifestHashes(manifest: { files: Record<string, { sha256: string }> }): Record<string, string> {
  return Object.fromEntries(Object.keys(manifest.files).sort().map((p) => [p, manifest.files[p].sha256]));
}

/** A logger that keeps every line, for assertions. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    group: (_t, fn) => fn(),
    progress: () => undefined,
  };
}
