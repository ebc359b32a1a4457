import { describe, expect, it } from 'vitest';
import { dbtTestStep } from './test.js';
import type { RunContext } from '../core/types.js';

const ctx = (local: boolean, available = false) =>
  ({
    local,
    cwd: '/nonexistent',
    configPath: 'dataship.yaml',
    runId: 'r',
    config: { environments: { dev: { backend: 'aws', dbt: { target: 'dev', runner: 'ecs' }, warehouse: { database: 'ESTAT_DEV' } } } },
    state: { env: 'dev', results: [], facts: {}, release: { id: 'r-1', image: { digest: 'sha256:a' }, checks: {}, dbt: { projectDigest: 'x' } } },
    adapters: {
      dbt: { available: async () => (available ? { ok: true } : { ok: false, reason: 'dbt is not installed (pip install dbt-duckdb)' }) },
      releases: { addCheck: async () => undefined },
    },
  }) as unknown as RunContext;

describe('dbt test step', () => {
  it('refuses an ECS runner on the AWS backend plainly, as a configuration error', async () => {
    await expect(dbtTestStep().run(ctx(false))).rejects.toMatchObject({ code: 'ECONFIG', location: { file: 'dataship.yaml' } });
  });
  it('with --local, a missing dbt is a skip with the install command, published as a skipped check', async () => {
    const c = ctx(true);
    expect(await dbtTestStep().run(c)).toEqual({ status: 'skipped', reason: 'dbt is not installed (pip install dbt-duckdb)' });
    expect(c.state.facts.checks).toEqual([{ name: 'dbt-tests', status: 'skipped', summary: 'tests did not run: dbt is not installed (pip install dbt-duckdb)' }]);
  });
});
