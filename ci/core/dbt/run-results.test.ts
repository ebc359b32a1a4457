import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataShipError } from '../errors.js';
import { realArtifact } from '../../../test/support/fake-dbt/real-artifacts.js';
import { checkSummaryFromRunResults, parseRunResults, splitUniqueId } from './run-results.js';

const load = (rel: string) => parseRunResults({ json: readFileSync(realArtifact(rel), 'utf8'), source: rel });

/** Non-zero counts only, for comparison with the table in SOURCES.md. */
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

describe('parseRunResults over every real fixture (counts as in SOURCES.md)', () => {
  it('v4 / dbt 1.0 build: 8 success, 20 pass, 1 error', () => {
    const p = load('jaffle_shop/run_results.v4.dbt-1.0.json');
    expect(p.schemaVersion).toBe(4);
    expect(p.dbtVersion).toBe('1.0.0');
    expect(p.command).toBe('build');
    expect(p.invocationId).toBe('5b7ab67d-5559-49b8-9373-35eab8b9f2f7');
    expect(p.generatedAt).toBe('2021-12-07T10:49:34.224220Z');
    expect(nonZero(p.counts)).toEqual({ success: 8, pass: 20, error: 1 });
    const err = p.results.find((r) => r.status === 'error')!;
    expect(err).toMatchObject({ uniqueId: 'model.jaffle_shop.test_insert_overwrite', resourceType: 'model', name: 'test_insert_overwrite', failures: null });
    expect(err.message).toMatch(/Database Error in model test_insert_overwrite/);
    expect(err.executionTimeMs).toBe(9395);
    // v4 has no relation_name: the field stays absent rather than invented.
    expect('relationName' in err).toBe(false);
  });

  it('v5 / dbt 1.7 build: 38 success, 20 pass', () => {
    const p = load('jaffle_shop/run_results.v5.dbt-1.7.json');
    expect(p.schemaVersion).toBe(5);
    expect(p.dbtVersion).toBe('1.7.0');
    expect(nonZero(p.counts)).toEqual({ success: 38, pass: 20 });
    expect(p.results).toHaveLength(58);
  });

  it('v6 / dbt 1.9 build: 41 success, 20 pass, with operations and relation names', () => {
    const p = load('jaffle_shop/run_results.v6.dbt-1.9.json');
    expect(p.schemaVersion).toBe(6);
    expect(p.command).toBe('build');
    expect(nonZero(p.counts)).toEqual({ success: 41, pass: 20 });
    expect(p.elapsedSeconds).toBeGreaterThan(0);
    const types = new Set(p.results.map((r) => r.resourceType));
    expect([...types].sort()).toEqual(['model', 'operation', 'seed', 'test']);
    const test = p.results.find((r) => r.uniqueId === 'test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64')!;
    expect(test).toMatchObject({ name: 'not_null_stg_orders_order_id', status: 'pass', failures: 0, relationName: null });
    const model = p.results.find((r) => r.uniqueId === 'model.elementary.dbt_invocations')!;
    expect(model.relationName).toBe('`your-project`.`jaffle_shop`.`dbt_invocations`');
  });

  it('v6 / dbt 1.12 generate: 46 success, unknown overload_results ignored', () => {
    const p = load('jaffle_shop/run_results.v6.dbt-1.12.json');
    expect(p.dbtVersion).toBe('1.12.0');
    expect(p.command).toBe('generate');
    expect(nonZero(p.counts)).toEqual({ success: 46 });
  });

  it('clickhouse / dbt 1.10 test: 33 pass, 1 fail, 1 error', () => {
    const p = load('clickhouse_group2/run_results.v6.dbt-1.10.json');
    expect(p.command).toBe('test');
    expect(nonZero(p.counts)).toEqual({ pass: 33, fail: 1, error: 1 });
    const fail = p.results.find((r) => r.status === 'fail')!;
    expect(fail).toMatchObject({ name: 'test_fact_listings_unique_item_id', failures: 113, message: 'Got 113 results, configured to fail if != 0' });
  });

  it('every known status is present in counts, zero when absent', () => {
    const p = load('jaffle_shop/run_results.v5.dbt-1.7.json');
    for (const s of ['success', 'error', 'skipped', 'pass', 'fail', 'warn', 'no-op', 'partial success', 'runtime error']) expect(p.counts[s]).toBeTypeOf('number');
  });
});

describe('checkSummaryFromRunResults', () => {
  it('fails on a failed and an errored test (clickhouse) and keeps every result as a case', () => {
    const p = load('clickhouse_group2/run_results.v6.dbt-1.10.json');
    const c = checkSummaryFromRunResults({ parsed: p, name: 'dbt-tests' });
    expect(c.status).toBe('fail');
    expect(c.name).toBe('dbt-tests');
    expect(c.cases).toHaveLength(35);
    expect(c.summary).toBe('35 tests: 33 passed, 1 failed, 1 errored');
    const failed = c.cases!.find((x) => x.status === 'fail')!;
    expect(failed).toMatchObject({ id: 'test.ebay_weather_analytics.test_fact_listings_unique_item_id', failures: 113 });
    expect(failed.durationMs).toBe(311);
  });

  it('fails when a model errored even though every test passed (v4)', () => {
    const c = checkSummaryFromRunResults({ parsed: load('jaffle_shop/run_results.v4.dbt-1.0.json') });
    expect(c.status).toBe('fail');
    expect(c.summary).toBe('20 tests: 20 passed; 9 other nodes: 8 ok, 1 errored');
  });

  it('passes a clean build (v6 / 1.9)', () => {
    const c = checkSummaryFromRunResults({ parsed: load('jaffle_shop/run_results.v6.dbt-1.9.json') });
    expect(c.status).toBe('pass');
    expect(c.cases).toHaveLength(61);
    expect(c.cases!.every((x) => x.message === undefined || typeof x.message === 'string')).toBe(true);
  });

  it('warns when the worst result is a warn (variant derived from the real v6 file)', () => {
    const doc = JSON.parse(readFileSync(realArtifact('jaffle_shop/run_results.v6.dbt-1.9.json'), 'utf8'));
    const t = doc.results.find((r: { unique_id: string }) => r.unique_id.startsWith('test.'));
    Object.assign(t, { status: 'warn', failures: 4, message: 'Got 4 results, configured to warn if != 0' });
    const parsed = parseRunResults({ json: JSON.stringify(doc) });
    expect(parsed.counts.warn).toBe(1);
    expect(parsed.counts.pass).toBe(19);
    const c = checkSummaryFromRunResults({ parsed });
    expect(c.status).toBe('warn');
    expect(c.summary).toContain('19 passed, 1 warned');
    expect(c.cases!.find((x) => x.status === 'warn')).toMatchObject({ failures: 4, message: 'Got 4 results, configured to warn if != 0' });
  });

  it('a warn next to a fail still fails', () => {
    const doc = JSON.parse(readFileSync(realArtifact('clickhouse_group2/run_results.v6.dbt-1.10.json'), 'utf8'));
    doc.results[0].status = 'warn';
    expect(checkSummaryFromRunResults({ parsed: parseRunResults({ json: doc }) }).status).toBe('fail');
  });

  it('a run with no results is skipped, never a pass', () => {
    const c = checkSummaryFromRunResults({ parsed: parseRunResults({ json: { metadata: {}, results: [], args: { which: 'test' } } }) });
    expect(c.status).toBe('skipped');
    expect(c.summary).toBe('dbt test ran nothing');
  });
});

describe('malformed input', () => {
  const expectInputError = (fn: () => unknown, pattern: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataShipError);
    expect((err as DataShipError).code).toBe('EINPUT');
    expect((err as DataShipError).kind).toBe('input');
    expect((err as DataShipError).message).toMatch(pattern);
    return err as DataShipError;
  };

  it('not JSON: names the file', () => {
    const err = expectInputError(() => parseRunResults({ json: '{"results": [', source: 'target/run_results.json' }), /target\/run_results\.json: run_results\.json is not valid JSON/);
    expect(err.location).toEqual({ file: 'target/run_results.json' });
  });

  it('a manifest passed as run_results', () => {
    const json = readFileSync(realArtifact('jaffle_shop/manifest.v12.dbt-1.12.json'), 'utf8');
    expectInputError(() => parseRunResults({ json, source: 'm.json' }), /it is a dbt manifest v12 artifact/);
  });

  it('missing results[]', () => {
    expectInputError(() => parseRunResults({ json: '{"metadata": {}}', source: 'x.json' }), /has no results\[\] array/);
  });

  it('not an object, or a result without unique_id', () => {
    expectInputError(() => parseRunResults({ json: '[1,2]' }), /expected a JSON object/);
    expectInputError(() => parseRunResults({ json: '{"results": [{"status": "pass"}]}' }), /results\[0\] has no unique_id/);
  });
});

describe('splitUniqueId', () => {
  it('drops the hash of generic tests and keeps dotted names', () => {
    expect(splitUniqueId('test.pkg.unique_orders_id.0123456789')).toEqual({ resourceType: 'test', name: 'unique_orders_id' });
    expect(splitUniqueId('test.pkg.my_singular_test')).toEqual({ resourceType: 'test', name: 'my_singular_test' });
    expect(splitUniqueId('source.pkg.ecom.raw_orders')).toEqual({ resourceType: 'source', name: 'ecom.raw_orders' });
    expect(splitUniqueId('unit_test.pkg.orders.test_totals')).toEqual({ resourceType: 'unit_test', name: 'orders.test_totals' });
  });
});
