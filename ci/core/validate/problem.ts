/**
 * The problem model of `dataship validate`: every check returns problems (each with a file and a
 * line) and, when it could not run, a `skipped` entry with the reason — never a silent pass.
 * Pure: no I/O.
 */
import type { Problem as ErrorProblem } from '../errors.js';

/** The six kinds of content `validate` checks. */
export const CHECK_KINDS = ['dbt', 'dags', 'terraform', 'workflows', 'jenkins', 'config'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export type Severity = 'error' | 'warning';

export interface ValidateProblem {
  kind: CheckKind;
  /** e.g. `dbt/ref-resolves`; `<kind>/internal` when a check crashed. */
  rule: string;
  severity: Severity;
  message: string;
  /** Repository-relative, with forward slashes. */
  file: string;
  line: number;
  column?: number;
  hint?: string;
}

/** A check (or one tool inside it) that could not run, and why. */
export interface SkippedCheck {
  check: string;
  reason: string;
}

/** What one check returns. */
export interface CheckOutput {
  problems: ValidateProblem[];
  skipped: SkippedCheck[];
}

export function emptyOutput(): CheckOutput {
  return { problems: [], skipped: [] };
}

/** Builds a problem; `severity` defaults to error and `line` to 1. */
export function problem(p: Omit<ValidateProblem, 'severity' | 'line'> & { severity?: Severity; line?: number }): ValidateProblem {
  const out: ValidateProblem = { ...p, severity: p.severity ?? 'error', line: p.line && p.line > 0 ? p.line : 1 };
  if (out.column === undefined || out.column < 1) delete out.column;
  if (out.hint === undefined) delete out.hint;
  return out;
}

/** Sorts problems by file, line, column, rule so the report reads top to bottom. */
export function sortProblems(problems: ValidateProblem[]): ValidateProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule),
  );
}

/** Converts validate problems into the error model's problems (for DataShipError `EVALIDATE`). */
export function toErrorProblems(problems: ValidateProblem[]): ErrorProblem[] {
  return problems.map((p) => ({
    message: `[${p.rule}] ${p.message}`,
    path: p.rule,
    location: { file: p.file, line: p.line, ...(p.column !== undefined ? { column: p.column } : {}) },
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}

/** 1-based line of a character offset in a text. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based column of a character offset in a text. */
export function columnOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - start + 1;
}
