/**
 * One error model for all of dataship. Every error carries a code from the catalogue, the step it
 * happened in, the operation being done, and a hint saying what to do about it. Causes are kept.
 * Only the CLI turns errors into exit codes (see `exitCodeFor`).
 */

/** What kind of failure this is; it decides the exit code. */
export type ErrorKind =
  | 'usage' // bad command line (exit 2)
  | 'config' // bad configuration file (exit 2)
  | 'input' // bad input in the repository or arguments (exit 2)
  | 'external' // an external system failed: AWS, registry, warehouse, host, timeout (exit 3)
  | 'verdict' // the pipeline ran and its verdict is failure (exit 1)
  | 'internal'; // a bug in dataship (exit 3, reported as such)

/** The catalogue of error codes. Adding a code here is how a new failure gets a name. */
export const ERROR_CODES = {
  EUSAGE: 'usage',
  ECONFIG: 'config',
  ECONFIGMISSING: 'config',
  ESECRET: 'config',
  EINPUT: 'input',
  /** A DAG file does not compile on the Airflow host; the deploy was refused (issue 5). */
  EDAGCOMPILE: 'input',
  ENOTFOUND: 'input',
  ETOOL: 'external',
  EAWS: 'external',
  EREGISTRY: 'external',
  EDIGEST: 'external',
  EHOST: 'external',
  EWAREHOUSE: 'external',
  EDBT: 'external',
  ETIMEOUT: 'external',
  ENOTIFY: 'external',
  EGATE: 'verdict',
  EVERDICT: 'verdict',
  EVALIDATE: 'verdict',
  EINTERNAL: 'internal',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A position in a file, for errors that point at input. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface DataShipErrorOptions {
  code: ErrorCode;
  message: string;
  /** The step the error happened in (e.g. `build`); filled in by the engine when absent. */
  step?: string;
  /** What was being done, e.g. `PUT manifest release-abc`. */
  operation?: string;
  /** What to do about it. */
  hint?: string;
  cause?: unknown;
  location?: SourceLocation;
  /** Further problems reported together (e.g. every configuration error at once). */
  problems?: Problem[];
}

/** One problem in a list reported together. */
export interface Problem {
  message: string;
  location?: SourceLocation;
  path?: string;
  expected?: string;
  hint?: string;
}

export class DataShipError extends Error {
  readonly code: ErrorCode;
  step?: string;
  readonly operation?: string;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly problems: Problem[];

  constructor(opts: DataShipErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DataShipError';
    this.code = opts.code;
    this.step = opts.step;
    this.operation = opts.operation;
    this.hint = opts.hint;
    this.location = opts.location;
    this.problems = opts.problems ?? [];
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code];
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      step: this.step,
      operation: this.operation,
      hint: this.hint,
      location: this.location,
      problems: this.problems.length ? this.problems : undefined,
      cause: this.cause instanceof Error ? this.cause.message : this.cause === undefined ? undefined : String(this.cause),
    };
  }
}

export function isDataShipError(err: unknown): err is DataShipError {
  return err instanceof DataShipError;
}

/** Wraps any thrown value into a DataShipError, keeping it as the cause. */
export function toDataShipError(err: unknown, fallback: Omit<DataShipErrorOptions, 'message' | 'cause'> & { message?: string }): DataShipError {
  if (err instanceof DataShipError) {
    if (!err.step && fallback.step) err.step = fallback.step;
    return err;
  }
  const message = fallback.message ?? (err instanceof Error ? err.message : String(err));
  return new DataShipError({ ...fallback, message, cause: err });
}

/** Exit codes: 0 success; 1 verdict failure; 2 usage/config/input; 3 external/internal. */
export function exitCodeFor(err: unknown): 1 | 2 | 3 {
  if (!(err instanceof DataShipError)) return 3;
  switch (err.kind) {
    case 'verdict':
      return 1;
    case 'usage':
    case 'config':
    case 'input':
      return 2;
    default:
      return 3;
  }
}

/** Formats a location as `file:line:column`. */
export function formatLocation(loc?: SourceLocation): string {
  if (!loc) return '';
  return [loc.file, loc.line, loc.column].filter((p) => p !== undefined).join(':');
}

/** Renders an error for humans: message, each problem with its location, the hint, the cause. */
export function formatError(err: DataShipError): string {
  const lines: string[] = [];
  const where = formatLocation(err.location);
  const head = `${err.code}${err.step ? ` [${err.step}]` : ''}: ${where ? `${where}: ` : ''}${err.message}`;
  lines.push(head);
  for (const p of err.problems) {
    const loc = formatLocation(p.location);
    lines.push(`  ${loc ? `${loc}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}${p.expected ? ` (expected ${p.expected})` : ''}${p.hint ? ` — ${p.hint}` : ''}`);
  }
  if (err.operation) lines.push(`  while: ${err.operation}`);
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  if (err.cause instanceof Error && err.cause.message !== err.message) lines.push(`  cause: ${err.cause.message}`);
  return lines.join('\n');
}
