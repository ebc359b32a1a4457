/**
 * The local dbt runner end to end, with the dbt test double on PATH: its artifacts are parsed with
 * dataship's own parsers and their structure is checked against real dbt artifacts.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createLocalDbtRunner, dbtArgv } from '../../ci/adapters/dbt/local-runner.js';
import { parseManifest } from '../../ci/core/dbt/manifest.js';
import { checkSummaryFromRunResults, parseRunResults } from '../../ci/core/dbt/run-results.js';
import { DataShipError } from '../../ci/core/errors.js';
import { Redactor } from '../../ci/core/redact.js';
import type { Logger } from '../../ci/core/types.js';
import { REPO_ROOT, realArtifact } from '../support/fake-dbt/real-artifacts.js';

const FAKE_DIR = join(REPO_ROOT, 'test/support/fake-dbt');
const work = mkdtempSync(join(tmpdir(), 'dataship-dbt-runner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A logger that records what it is given, after redaction (as the real loggers do). */
function recordingLogger(redactor = new Redactor()) {
  const lines: Array<{ level: string; text: string }> = [];
  const rec = (level: string) => (m: string) => void lines.push({ level, text: redactor.redact(m) });
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    group: (_t, fn) => fn(),
    progress: () => undefined,
  };
  return { logger, lines, text: () => lines.map((l) => l.text).join('\n') };
}

const envWithFake = (extra: Record<string, string> = {}) => ({ ...process.env, PATH: `${FAKE_DIR}:${process.env.PATH}`, ...extra });

function write(root: string, files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** 1 seed, 3 models, 4 generic tests and 1 singular test. */
const tiny = write(join(work, 'tiny'), {
  'dbt_project.yml': 'name: tiny\nprofile: tiny\nversion: "1.0.0"\nconfig-version: 2\nmodels:\n  tiny:\n    +materialized: view\n    marts:\n      +materialized: table\n',
  'profiles.yml': 'tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n      path: tiny.duckdb\n      schema: main\n',
  'seeds/raw_orders.csv': 'id,customer_id,status\n1,1,placed\n2,2,shipped\n',
  'models/staging/stg_orders.sql': "select * from {{ ref('raw_orders') }}\n",
  'models/staging/stg_customers.sql': "select distinct customer_id from {{ ref('stg_orders') }}\n",
  'models/marts/orders.sql': "{{ config(materialized='table') }}\nselect o.* from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c using (customer_id)\n",
  'models/schema.yml': YAML.stringify({
    version: 2,
    models: [
      { name: 'stg_orders', columns: [{ name: 'id', data_tests: ['unique', 'not_null'] }, { name: 'status', data_tests: [{ accepted_values: { values: ['placed', 'shipped'] } }] }] },
      { name: 'orders', columns: [{ name: 'customer_id', data_tests: [{ relationships: { to: "ref('stg_customers')", field: 'customer_id' } }] }] },
    ],
  }),
  'tests/assert_no_negative_ids.sql': "select * from {{ ref('orders') }} where id < 0\n",
});

const nonZero = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
const union = (sets: Iterable<string>[]) => new Set([...sets].flatMap((s) => [...s]));

/** Asserts the double's artifacts have the shape of real dbt artifacts. */
function expectRealShape(runResultsPath: string, manifestPath: string) {
  const real = JSON.parse(readFileSync(realArtifact('jaffle_shop/run_results.v6.dbt-1.9.json'), 'utf8'));
  const ours = JSON.parse(readFileSync(runResultsPath, 'utf8'));
  expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
  expect(Object.keys(ours.metadata).sort()).toEqual(Object.keys(real.metadata).sort());
  expect(ours.metadata.dbt_schema_version).toBe(real.metadata.dbt_schema_version);
  const realResultKeys = Object.keys(real.results[0]).sort();
  for (const r of ours.results) expect(Object.keys(r).sort()).toEqual(realResultKeys);
  for (const t of ours.results.flatMap((r: { timing: Array<Record<string, string>> }) => r.timing)) expect(Object.keys(t).sort()).toEqual(['completed_at', 'name', 'started_at']);

  const realManifests = ['jaffle_shop/manifest.v12.dbt-1.10.json', 'jaffle_shop/manifest.v12.dbt-1.12.json', 'clickhouse_group2/manifest.v12.dbt-1.10.json'].map((f) =>
    JSON.parse(readFileSync(realArtifact(f), 'utf8')),
  );
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  expect(Object.keys(manifest).sort()).toEqual(Object.keys(realManifests[0]).sort());
  const realNodeKeys = union(realManifests.flatMap((m) => Object.values(m.nodes).map((n) => Object.keys(n as object))));
  const extra = Object.values(manifest.nodes).flatMap((n) => Object.keys(n as object).filter((k) => !realNodeKeys.has(k)));
  expect(extra).toEqual([]);
  const realMetaKeys = new Set(Object.keys(realManifests[0].metadata));
  expect(Object.keys(manifest.metadata).filter((k) => !realMetaKeys.has(k))).toEqual([]);
  return { runResults: ours, manifest };
}

describe('local dbt runner with the dbt test double', () => {
  it('available(): found on PATH; missing gives the install hint', async () => {
    const { logger } = recordingLogger();
    expect(await createLocalDbtRunner({ logger, env: envWithFake() }).available()).toEqual({ ok: true });
    const empty = mkdtempSync(join(work, 'empty-path-'));
    const missing = createLocalDbtRunner({ logger, env: { PATH: empty } });
    expect(await missing.available()).toEqual({ ok: false, reason: 'dbt is not installed (pip install dbt-duckdb)' });
    expect(await missing.run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'never') })).toEqual({
      status: 'skipped',
      reason: 'dbt is not installed (pip install dbt-duckdb)',
    });
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('build over a small project: exit 0, artifacts in the real shapes, counts as the project', async () => {
    const rec = recordingLogger();
    const artifactsDir = join(work, 'tiny-ok');
    const run = await createLocalDbtRunner({ logger: rec.logger, env: envWithFake() }).run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir });
    expect(run).toEqual({ status: 'ran', exitCode: 0, runResultsPath: join(artifactsDir, 'run_results.json'), manifestPath: join(artifactsDir, 'manifest.json') });
    expectRealShape(run.runResultsPath!, run.manifestPath!);

    const parsed = parseRunResults({ json: readFileSync(run.runResultsPath!, 'utf8'), source: run.runResultsPath });
    expect(parsed).toMatchObject({ schemaVersion: 6, command: 'build', dbtVersion: expect.stringMatching(/^1\.9\./) });
    expect(nonZero(parsed.counts)).toEqual({ success: 4, pass: 5 });
    expect(parsed.results.filter((r) => r.resourceType === 'test').map((r) => r.name).sort()).toEqual([
      'accepted_values_stg_orders_status__placed__shipped',
      'assert_no_negative_ids',
      'not_null_stg_orders_id',
      'relationships_orders_customer_id__customer_id__ref_stg_customers_',
      'unique_stg_orders_id',
    ]);
    expect(checkSummaryFromRunResults({ parsed }).status).toBe('pass');
    const manifest = parseManifest({ json: readFileSync(run.manifestPath!, 'utf8') });
    expect(manifest.counts).toEqual({ model: 3, seed: 1, test: 5 });
    expect(manifest.nodes.find((n) => n.name === 'orders')!.dependsOn.nodes.sort()).toEqual(['model.tiny.stg_customers', 'model.tiny.stg_orders']);
    // dbt's own lines reached the logger; nothing was written into the project.
    expect(rec.text()).toContain('Running with dbt=');
    expect(rec.text()).toContain('Done. PASS=9 WARN=0 ERROR=0 SKIP=0');
    expect(readdirSync(tiny).sort()).toEqual(['dbt_project.yml', 'models', 'profiles.yml', 'seeds', 'tests']);
    expect(existsSync(join(artifactsDir, 'dbt.log'))).toBe(true);
  });

  it('a planted failing test: exit 1, status fail, and downstream nodes skipped as dbt build does', async () => {
    const { logger } = recordingLogger();
    const runner = createLocalDbtRunner({ logger, env: envWithFake() });
    const run = await runner.run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-fail'), env: { FAKE_DBT_FAIL_TESTS: 'not_null_stg_orders_id:5' } });
    expect(run.exitCode).toBe(1);
    expect(run.reason).toBe('dbt finished with failing models or tests (exit 1)');
    const parsed = parseRunResults({ json: readFileSync(run.runResultsPath!, 'utf8') });
    expect(nonZero(parsed.counts)).toEqual({ success: 2, pass: 2, fail: 1, skipped: 4 });
    const check = checkSummaryFromRunResults({ parsed });
    expect(check.status).toBe('fail');
    expect(check.cases!.find((c) => c.status === 'fail')).toMatchObject({ name: 'not_null_stg_orders_id', failures: 5, message: 'Got 5 results, configured to fail if != 0' });
  });

  it('warnings and model errors: warn is exit 0; an erroring model errors with its descendants skipped', async () => {
    const { logger } = recordingLogger();
    const runner = createLocalDbtRunner({ logger, env: envWithFake() });
    const warn = await runner.run({ args: ['test'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-warn'), env: { FAKE_DBT_WARN_TESTS: 'accepted_values' } });
    expect(warn.exitCode).toBe(0);
    const pw = parseRunResults({ json: readFileSync(warn.runResultsPath!, 'utf8') });
    expect(pw.command).toBe('test');
    expect(nonZero(pw.counts)).toEqual({ pass: 4, warn: 1 });
    expect(checkSummaryFromRunResults({ parsed: pw }).status).toBe('warn');

    const err = await runner.run({ args: ['run', '--select', 'stg_customers+'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-err'), env: { FAKE_DBT_ERROR_MODELS: 'stg_customers' } });
    expect(err.exitCode).toBe(1);
    const pe = parseRunResults({ json: readFileSync(err.runResultsPath!, 'utf8') });
    expect(pe.results.map((r) => [r.name, r.status])).toEqual([
      ['stg_customers', 'error'],
      ['orders', 'skipped'],
    ]);
  });

  it('a crash: exit code, no run_results (stale ones removed), reported plainly', async () => {
    const rec = recordingLogger();
    const runner = createLocalDbtRunner({ logger: rec.logger, env: envWithFake() });
    const artifactsDir = join(work, 'tiny-crash');
    expect((await runner.run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir })).exitCode).toBe(0);
    const run = await runner.run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir, env: { FAKE_DBT_EXIT: '2' } });
    expect(run.status).toBe('ran');
    expect(run.exitCode).toBe(2);
    expect(run.runResultsPath).toBeUndefined();
    expect(run.manifestPath).toBeUndefined();
    expect(existsSync(join(artifactsDir, 'run_results.json'))).toBe(false);
    expect(run.reason).toMatch(/^dbt exited with code 2 after [\d.]+ s and wrote no run_results\.json: .*fake crash planted/);
    expect(rec.lines.filter((l) => l.level === 'error').map((l) => l.text)).toEqual([run.reason]);
  });

  it('a bad target is dbt exit 2, still a result', async () => {
    const { logger } = recordingLogger();
    const run = await createLocalDbtRunner({ logger, env: envWithFake() }).run({ args: ['build'], target: 'nope', projectDir: tiny, artifactsDir: join(work, 'tiny-badtarget') });
    expect(run.exitCode).toBe(2);
    expect(run.reason).toMatch(/does not have a target named 'nope'|wrote no run_results/);
  });

  it('passes only flags each subcommand accepts (deps has no --target-path)', async () => {
    expect(dbtArgv({ args: ['deps'], target: 't', projectDir: '/p', artifactsDir: '/a' })).toEqual(['deps', '--target', 't', '--project-dir', '/p', '--profiles-dir', '/p', '--log-path', '/a']);
    expect(dbtArgv({ args: ['--version'], target: 't', projectDir: '/p', artifactsDir: '/a' })).toEqual(['--version']);
    const { logger } = recordingLogger();
    const run = await createLocalDbtRunner({ logger, env: envWithFake() }).run({ args: ['deps'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-deps') });
    expect(run.exitCode).toBe(0);
  });

  it('times out: dbt is stopped and ETIMEOUT raised', async () => {
    const { logger } = recordingLogger();
    const runner = createLocalDbtRunner({ logger, env: envWithFake({ FAKE_DBT_SLEEP_MS: '20000' }), timeoutMs: 500 });
    const t0 = Date.now();
    const err = await runner.run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-slow') }).catch((e) => e);
    expect(err).toBeInstanceOf(DataShipError);
    expect(err.code).toBe('ETIMEOUT');
    expect(err.message).toMatch(/did not finish within 1 s/);
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it('a dbt that cannot be started is EDBT', async () => {
    const bad = join(work, 'bin-bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'dbt'), '#!/nonexistent/interpreter\n');
    chmodSync(join(bad, 'dbt'), 0o755);
    const { logger } = recordingLogger();
    const err = await createLocalDbtRunner({ logger, env: { PATH: bad } })
      .run({ args: ['build'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-bad') })
      .catch((e) => e);
    expect(err).toBeInstanceOf(DataShipError);
    expect(err.code).toBe('EDBT');
    expect(err.kind).toBe('external');
  });

  it('secrets in the command line reach the log redacted', async () => {
    const redactor = new Redactor();
    redactor.add('sk-very-secret-token');
    const rec = recordingLogger(redactor);
    await createLocalDbtRunner({ logger: rec.logger, env: envWithFake() }).run({ args: ['parse', '--vars', '{"token": "sk-very-secret-token"}'], target: 'local', projectDir: tiny, artifactsDir: join(work, 'tiny-secret') });
    expect(rec.text()).toContain('***');
    expect(rec.text()).not.toContain('sk-very-secret-token');
  });
});

/** Counts the project's resources straight from its files, independently of the double. */
function countProject(dir: string) {
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : []);
  const ymls = ['models', 'seeds', 'snapshots'].flatMap((d) => walk(join(dir, d))).filter((f) => /\.ya?ml$/.test(f)).map((f) => YAML.parse(readFileSync(f, 'utf8')) ?? {});
  const testsOf = (e: any) => [...(e.data_tests ?? []), ...(e.tests ?? [])].length + (e.columns ?? []).reduce((n: number, c: any) => n + [...(c.data_tests ?? []), ...(c.tests ?? [])].length, 0);
  let generic = 0;
  let yamlSnapshots = 0;
  for (const y of ymls) {
    for (const k of ['models', 'seeds', 'snapshots']) for (const e of y[k] ?? []) generic += testsOf(e);
    for (const s of y.sources ?? []) for (const t of s.tables ?? []) generic += testsOf(t);
    yamlSnapshots += (y.snapshots ?? []).filter((s: any) => s.relation).length;
  }
  return {
    models: walk(join(dir, 'models')).filter((f) => f.endsWith('.sql')).length,
    seeds: walk(join(dir, 'seeds')).filter((f) => f.endsWith('.csv')).length,
    snapshots: yamlSnapshots + walk(join(dir, 'snapshots')).filter((f) => f.endsWith('.sql')).length,
    tests: generic + walk(join(dir, 'tests')).filter((f) => f.endsWith('.sql')).length,
  };
}

describe("the repository's dbt project through the runner", () => {
  const projectDir = join(REPO_ROOT, 'dbt');

  it('builds on the local target with counts matching the project files, and a stable manifest digest', async () => {
    const expected = countProject(projectDir);
    expect(expected.models).toBeGreaterThan(0);
    const { logger } = recordingLogger();
    const runner = createLocalDbtRunner({ logger, env: envWithFake() });
    const a = await runner.run({ args: ['build'], target: 'local', projectDir, artifactsDir: join(work, 'repo-a') });
    expect(a.exitCode).toBe(0);
    expectRealShape(a.runResultsPath!, a.manifestPath!);
    const parsed = parseRunResults({ json: readFileSync(a.runResultsPath!, 'utf8') });
    expect(nonZero(parsed.counts)).toEqual({ success: expected.models + expected.seeds + expected.snapshots, pass: expected.tests });
    const m1 = parseManifest({ json: readFileSync(a.manifestPath!, 'utf8') });
    expect(m1.counts).toEqual(Object.fromEntries(Object.entries({ model: expected.models, seed: expected.seeds, snapshot: expected.snapshots, test: expected.tests }).filter(([, n]) => n > 0)));

    const b = await runner.run({ args: ['build'], target: 'local', projectDir, artifactsDir: join(work, 'repo-b') });
    expect(parseManifest({ json: readFileSync(b.manifestPath!, 'utf8') }).manifestDigest).toBe(m1.manifestDigest);
    // Nothing was written into the repository's project.
    expect(existsSync(join(projectDir, 'logs'))).toBe(false);
  });

  it('a planted failure in a mart test fails the check', async () => {
    const { logger } = recordingLogger();
    const run = await createLocalDbtRunner({ logger, env: envWithFake({ FAKE_DBT_FAIL_TESTS: 'not_null_fct_' }) }).run({
      args: ['test'],
      target: 'local',
      projectDir,
      artifactsDir: join(work, 'repo-fail'),
    });
    expect(run.exitCode).toBe(1);
    const check = checkSummaryFromRunResults({ parsed: parseRunResults({ json: readFileSync(run.runResultsPath!, 'utf8') }) });
    expect(check.status).toBe('fail');
    expect(check.cases!.filter((c) => c.status === 'fail').length).toBeGreaterThan(0);
    expect(check.cases!.filter((c) => c.status === 'fail').every((c) => c.name.startsWith('not_null_fct_'))).toBe(true);
  });
});
