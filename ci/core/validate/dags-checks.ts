/**
 * The Airflow rules of `validate`, over what the DAG inspector (a Python `ast` program, see
 * `ci/adapters/validate/dag-inspect-script.ts`) reported per file: every file compiles, dag_ids are
 * unique, every task has retries, no module-level call reaches an external system, and every
 * `dbt … --select X` resolves to nodes of the dbt project. Pure.
 */
import type { DbtIndex } from './dbt-project.js';
import { resolveSelector } from './dbt-selector.js';
import { problem, type ValidateProblem } from './problem.js';

/** What the inspector reports for one file. */
export interface DagFileReport {
  file: string;
  error?: { line: number; column: number; message: string };
  /** The inspector itself failed on this file. */
  crash?: string;
  dags?: { id: string | null; line: number }[];
  tasks?: { name: string; taskId: string | null; line: number; column: number; retries: 'yes' | 'no' | 'zero' | 'unknown'; dag: string | null }[];
  external?: { call: string; resolved: string; line: number; column: number }[];
  dbt?: { selector: string; line: number; flag: string }[];
}

export interface DagInspection {
  python?: string;
  files: DagFileReport[];
}

/** A selector we cannot judge statically (templated or interpolated). */
function isTemplated(selector: string): boolean {
  return /\{\{|\{%|\$\{|\$[A-Za-z_]|\{[A-Za-z_]/.test(selector);
}

export function checkDags(opts: { inspection: DagInspection; dbt?: DbtIndex }): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const seen = new Map<string, { file: string; line: number }>();
  for (const f of opts.inspection.files) {
    if (f.crash) {
      out.push(problem({ kind: 'dags', rule: 'dags/internal', message: `the DAG inspector failed on this file: ${f.crash}`, file: f.file, line: 1 }));
      continue;
    }
    if (f.error) {
      out.push(problem({ kind: 'dags', rule: 'dags/compiles', message: `does not compile: ${f.error.message}`, file: f.file, line: f.error.line, column: f.error.column }));
      continue;
    }
    for (const d of f.dags ?? []) {
      if (!d.id) continue;
      const first = seen.get(d.id);
      if (first) {
        out.push(
          problem({ kind: 'dags', rule: 'dags/dag-id-unique', message: `dag_id '${d.id}' is already used at ${first.file}:${first.line}`, file: f.file, line: d.line }),
        );
      } else seen.set(d.id, { file: f.file, line: d.line });
    }
    for (const t of f.tasks ?? []) {
      if (t.retries === 'yes' || t.retries === 'unknown') continue;
      const what = t.taskId ? `task '${t.taskId}'` : t.name.startsWith('@task') ? `task ${t.name.slice(6)}()` : `${t.name} task`;
      out.push(
        problem({
          kind: 'dags',
          rule: 'dags/task-retries',
          message: t.retries === 'zero' ? `${what} sets retries to 0` : `${what} has no retries (neither retries= nor default_args with retries)`,
          file: f.file,
          line: t.line,
          column: t.column,
          hint: "set retries in the DAG's default_args",
        }),
      );
    }
    for (const e of f.external ?? []) {
      out.push(
        problem({
          kind: 'dags',
          rule: 'dags/module-level-call',
          message: `module-level call ${e.call}() reaches an external system every time the scheduler parses this file`,
          file: f.file,
          line: e.line,
          column: e.column,
          hint: 'move it into a task (or use a Jinja template such as {{ var.value.x }})',
        }),
      );
    }
    for (const s of f.dbt ?? []) {
      if (!opts.dbt || isTemplated(s.selector)) continue;
      if (!s.selector.trim()) {
        out.push(problem({ kind: 'dags', rule: 'dags/dbt-select-resolves', message: `dbt ${s.flag} has no value`, file: f.file, line: s.line }));
        continue;
      }
      for (const r of resolveSelector(opts.dbt, s.selector)) {
        if (r.status !== 'empty') continue;
        const part = r.emptyAtom && r.emptyAtom !== r.criterion ? ` ('${r.emptyAtom}' matches nothing)` : '';
        out.push(
          problem({
            kind: 'dags',
            rule: 'dags/dbt-select-resolves',
            message: `dbt selector '${r.criterion}' selects nothing in ${opts.dbt.dir || 'the dbt project'}${part}`,
            file: f.file,
            line: s.line,
            hint: /[*?[]/.test(r.criterion) && !r.criterion.includes(':')
              ? 'dbt-core matches a bare wildcard against the whole fqn (folders included): use fqn:*.<pattern> or file:<pattern>'
              : undefined,
          }),
        );
      }
    }
  }
  return out;
}
