import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalPointerStore } from './pointer-store.js';
import { createLocalReleaseStore } from './release-store.js';
import { createDuckdbWarehouse, duckdbPathFor } from './duckdb-warehouse.js';
import type { Release } from '../../core/release.js';

const release = (id: string, createdAt: string): Release => ({
  id,
  gitSha: 'abc',
  createdAt,
  image: { repository: 'r', digest: 'sha256:1', runtimeDigest: null },
  dags: { bundleDigest: 'sha256:2', files: 3 },
  dbt: { projectDigest: 'sha256:3' },
  checks: {},
});

describe('local release store', () => {
  it('writes a release once, keeps it immutable, and accumulates checks beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rel-'));
    const store = createLocalReleaseStore({ dir });
    expect(await store.put(release('r-1', '2026-01-01T00:00:00Z'))).toBe(true);
    expect(await store.put({ ...release('r-1', '2026-02-01T00:00:00Z'), gitSha: 'other' })).toBe(false);
    await store.addCheck({ releaseId: 'r-1', key: 'dev/dbt-tests', check: { status: 'pass', summary: '20 passed' } });
    const got = await store.get('r-1');
    expect(got?.gitSha).toBe('abc');
    expect(got?.checks['dev/dbt-tests']).toEqual({ status: 'pass', summary: '20 passed' });
    await store.put(release('r-2', '2026-03-01T00:00:00Z'));
    expect((await store.list()).map((r) => r.id)).toEqual(['r-2', 'r-1']);
    expect(await store.get('missing')).toBeNull();
  });

  it('reports a corrupt record as an input error naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rel-'));
    await writeFile(join(dir, 'r-x.json'), '{"id": "r-x",');
    await expect(createLocalReleaseStore({ dir }).get('r-x')).rejects.toMatchObject({ code: 'EINPUT', location: { file: join(dir, 'r-x.json') } });
  });
});

describe('local pointer store', () => {
  it('records every move with version, previous release, actor and action', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ptr-'));
    const store = createLocalPointerStore({ dir });
    expect(await store.current('prod')).toBeNull();
    await store.move({ env: 'prod', releaseId: 'r-1', by: 'alice', action: 'promote' });
    await store.move({ env: 'prod', releaseId: 'r-2', by: 'bob', action: 'promote' });
    const back = await store.move({ env: 'prod', releaseId: 'r-1', by: 'bob', action: 'rollback', note: 'gate overridden by bob: hotfix' });
    expect(back).toMatchObject({ version: 3, previousReleaseId: 'r-2', action: 'rollback', note: 'gate overridden by bob: hotfix' });
    expect((await store.history('prod')).map((m) => `${m.version}:${m.releaseId}:${m.by}`)).toEqual(['3:r-1:bob', '2:r-2:bob', '1:r-1:alice']);
  });
});

describe('DuckDB warehouse', () => {
  it('clones, swaps and drops real DuckDB files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wh-'));
    const wh = createDuckdbWarehouse({ dir });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const write = async (db: string, v: string) => {
      const i = await DuckDBInstance.create(duckdbPathFor({ dir, database: db }));
      const c = await i.connect();
      await c.run(`create or replace table t as select '${v}' as v`);
      await c.run('checkpoint');
      c.closeSync();
    };
    const read = async (db: string) => {
      const i = await DuckDBInstance.create(duckdbPathFor({ dir, database: db }));
      const c = await i.connect();
      const rows = (await c.runAndReadAll('select v from t')).getRows();
      c.closeSync();
      return rows[0][0];
    };
    await wh.clone({ from: 'PROD', to: 'PROD_NEXT' }); // PROD did not exist: created empty
    expect(await wh.exists({ name: 'PROD' })).toBe(true);
    await write('PROD', 'blue');
    await wh.clone({ from: 'PROD', to: 'PROD_NEXT' });
    await write('PROD_NEXT', 'green');
    await wh.swap({ a: 'PROD', b: 'PROD_NEXT' });
    expect(await read('PROD')).toBe('green');
    expect(await read('PROD_NEXT')).toBe('blue');
    await wh.swap({ a: 'PROD', b: 'PROD_NEXT' });
    expect(await read('PROD')).toBe('blue');
    await expect(wh.swap({ a: 'PROD', b: 'NOPE' })).rejects.toMatchObject({ code: 'EWAREHOUSE' });
    expect(await readFile(duckdbPathFor({ dir, database: 'PROD' })).then(() => true)).toBe(true);
    expect((await wh.drop({ name: 'PROD_NEXT' })).status).toBe('changed');
    expect((await wh.drop({ name: 'PROD_NEXT' })).status).toBe('unchanged');
  });
});
