/**
 * Parses dbt's `run_results.json` (schema v4, v5, v6) leniently — unknown fields are normal (1.12
 * writes `overload_results`, absent from the published schema) — and turns it into a CheckSummary.
 * Pure: the caller reads the file.
 */
import { DataShipError } from '../errors.js';
import type { CheckSummary } from '../run-record.js';

/** Status strings dbt writes; anything else is counted under its own name. */
export const DBT_STATUSES = [
  'success',
  'error',
  'skipped',
  'pass',
  'fail',
  'warn',
  'no-op',
  'partial success',
  'runtime error',
] as const;

export type DbtStatus = (typeof DBT_STATUSES)[number];

export interface DbtNodeResult {
  uniqueId: string;
  /** From the unique_id prefix: model, seed, snapshot, test, unit_test, source, operation, … */
  resourceType: string;
  name: string;
  status: string;
  message: string | null;
  failures: number | null;
  executionTimeMs: number;
  relationName?: string | null;
}

export interface ParsedRunResults {
  /** 4, 5, 6 … from `metadata.dbt_schema_version`; null when absent. */
  schemaVersion: number | null;
  dbtVersion: string | null;
  /** `args.which`: build, test, run, seed, generate … */
  command: string | null;
  generatedAt: string | null;
  invocationId: string | null;
  elapsedSeconds: number | null;
  results: DbtNodeResult[];
  /** Every known status (0 when absent) plus any unknown status dbt wrote. */
  counts: Record<DbtStatus, number> & Record<string, number>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function inputError(message: string, source: string | undefined, cause?: unknown): DataShipError {
  return new DataShipError({
    code: 'EINPUT',
    message: source ? `${source}: ${message}` : message,
    operation: 'parse dbt run_results.json',
    hint: 'Point at the run_results.json dbt wrote into its target path (dbt ≥ 1.0).',
    location: source ? { file: source } : undefined,
    cause,
  });
}

/** Parses JSON text (or an already-parsed value) for the dbt artifact parsers. */
export function parseJsonInput(opts: { json: string | unknown; source?: string; what: string; hint: string }): unknown {
  if (typeof opts.json !== 'string') return opts.json;
  try {
    return JSON.parse(opts.json);
  } catch (err) {
    throw new DataShipError({
      code: 'EINPUT',
      message: `${opts.source ? `${opts.source}: ` : ''}${opts.what} is not valid JSON: ${(err as Error).message}`,
      operation: `parse ${opts.what}`,
      hint: opts.hint,
      location: opts.source ? { file: opts.source } : undefined,
      cause: err,
    });
  }
}

/** `https://schemas.getdbt.com/dbt/run-results/v6.json` → { kind: 'run-results', version: 6 }. */
export function schemaOf(url: unknown): { kind: string; version: number } | null {
  const m = typeof url === 'string' ? /\/dbt\/([a-z-]+)\/v(\d+)\.json$/.exec(url) : null;
  return m ? { kind: m[1], version: Number(m[2]) } : null;
}

/** `test.pkg.not_null_orders_id.1a2b3c4d5e` → { resourceType: 'test', name: 'not_null_orders_id' }. */
export function splitUniqueId(uniqueId: string): { resourceType: string; name: string } {
  const parts = uniqueId.split('.');
  const resourceType = parts[0] ?? uniqueId;
  let rest = parts.slice(2);
  if (resourceType === 'test' && rest.length > 1 && /^[0-9a-f]{10}$/.test(rest[rest.length - 1])) rest = rest.slice(0, -1);
  return { resourceType, name: rest.length ? rest.join('.') : (parts[1] ?? uniqueId) };
}

export function parseRunResults(opts: { json: string | unknown; source?: string }): ParsedRunResults {
  const { source } = opts;
  const doc = parseJsonInput({
    json: opts.json,
    source,
    what: 'run_results.json',
    hint: 'Point at the run_results.json dbt wrote into its target path (dbt ≥ 1.0).',
  });
  if (!isObject(doc)) throw inputError('not a dbt run_results.json (expected a JSON object)', source);
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const schema = schemaOf(metadata.dbt_schema_version);
  if (schema && schema.kind !== 'run-results') {
    throw inputError(`not a dbt run_results.json: it is a dbt ${schema.kind} v${schema.version} artifact`, source);
  }
  if (!Array.isArray(doc.results)) throw inputError('not a dbt run_results.json: it has no results[] array', source);

  const counts = Object.fromEntries(DBT_STATUSES.map((s) => [s, 0])) as ParsedRunResults['counts'];
  const results: DbtNodeResult[] = doc.results.map((raw, i) => {
    if (!isObject(raw) || typeof raw.unique_id !== 'string' || typeof raw.status !== 'string') {
      throw inputError(`results[${i}] has no unique_id or status string`, source);
    }
    const { resourceType, name } = splitUniqueId(raw.unique_id);
    counts[raw.status] = (counts[raw.status] ?? 0) + 1;
    const result: DbtNodeResult = {
      uniqueId: raw.unique_id,
      resourceType,
      name,
      status: raw.status,
      message: str(raw.message),
      failures: num(raw.failures),
      executionTimeMs: Math.round((num(raw.execution_time) ?? 0) * 1000),
    };
    if ('relation_name' in raw) result.relationName = str(raw.relation_name);
    return result;
  });

  return {
    schemaVersion: schema?.version ?? null,
    dbtVersion: str(metadata.dbt_version),
    command: isObject(doc.args) ? str(doc.args.which) : null,
    generatedAt: str(metadata.generated_at),
    invocationId: str(metadata.invocation_id),
    elapsedSeconds: num(doc.elapsed_time),
    results,
    counts,
  };
}

const TEST_TYPES = new Set(['test', 'unit_test']);
const FAILED = new Set(['fail', 'error', 'runtime error']);

/**
 * A CheckSummary for the run: `fail` when any test failed or errored or any model/seed/snapshot
 * errored; `warn` when the worst is a warning; `skipped` when dbt ran nothing (never a pass);
 * `pass` otherwise. Every result becomes a case.
 */
export function checkSummaryFromRunResults(opts: { parsed: ParsedRunResults; name?: string }): CheckSummary {
  const { parsed } = opts;
  const name = opts.name ?? 'dbt-tests';
  const tests = parsed.results.filter((r) => TEST_TYPES.has(r.resourceType));
  const nodes = parsed.results.filter((r) => !TEST_TYPES.has(r.resourceType));
  const tally = (rs: DbtNodeResult[], s: string) => rs.filter((r) => r.status === s).length;

  const failed = parsed.results.some((r) => FAILED.has(r.status));
  const warned = parsed.results.some((r) => r.status === 'warn' || r.status === 'partial success');
  const status: CheckSummary['status'] = parsed.results.length === 0 ? 'skipped' : failed ? 'fail' : warned ? 'warn' : 'pass';

  const parts: string[] = [];
  if (tests.length) {
    const t = [
      [tally(tests, 'pass'), 'passed'],
      [tally(tests, 'success'), 'ok'],
      [tally(tests, 'fail'), 'failed'],
      [tally(tests, 'warn'), 'warned'],
      [tally(tests, 'error'), 'errored'],
      [tally(tests, 'skipped'), 'skipped'],
    ] as const;
    parts.push(`${tests.length} test${tests.length === 1 ? '' : 's'}: ${t.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`).join(', ')}`);
  }
  if (nodes.length) {
    const ok = tally(nodes, 'success') + tally(nodes, 'pass') + tally(nodes, 'no-op');
    const t = [
      [ok, 'ok'],
      [tally(nodes, 'error') + tally(nodes, 'runtime error'), 'errored'],
      [tally(nodes, 'partial success') + tally(nodes, 'warn'), 'partial'],
      [tally(nodes, 'skipped'), 'skipped'],
    ] as const;
    parts.push(`${nodes.length} other node${nodes.length === 1 ? '' : 's'}: ${t.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`).join(', ')}`);
  }
  const summary = parsed.results.length === 0 ? `dbt ${parsed.command ?? ''} ran nothing`.replace('  ', ' ') : parts.join('; ');

  return {
    name,
    status,
    summary,
    cases: parsed.results.map((r) => ({
      id: r.uniqueId,
      name: r.name,
      status: r.status,
      ...(r.message ? { message: r.message } : {}),
      durationMs: r.executionTimeMs,
      failures: r.failures,
    })),
  };
}
