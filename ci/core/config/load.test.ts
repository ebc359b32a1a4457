import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { DataShipError, exitCodeFor } from '../errors.js';

const valid = `version: 1
project: { name: estat, dbtDir: dbt, dagsDir: airflow-dags }
image: { repository: estat-dbt, dockerfile: dbt/Dockerfile, runtimeInputs: [dbt/Dockerfile] }
environments:
  dev:
    backend: local
    airflowHost: { transport: local }
    warehouse: { type: duckdb, database: ESTAT_DEV }
    dbt: { target: local }
gate: { requireTestedDigest: true, requiredChecks: [dbt-tests], allowSkipped: false }
notifications:
  slack: { webhookUrl: env:SLACK_WEBHOOK_URL }
`;

async function errorOf(text: string, env: Record<string, string> = {}): Promise<DataShipError> {
  try {
    await parseConfig({ text, file: 'dataship.yaml', env });
  } catch (err) {
    if (err instanceof DataShipError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('parseConfig', () => {
  it('accepts a valid configuration and collects secret references without resolving them', async () => {
    const config = await parseConfig({ text: valid, file: 'dataship.yaml', env: {} });
    expect(config.environments.dev.warehouse.database).toBe('ESTAT_DEV');
    expect(config.secretRefs).toEqual({ 'notifications.slack.webhookUrl': 'env:SLACK_WEBHOOK_URL' });
  });

  it('reports two unknown top-level keys and a wrong type at once, each with its line', async () => {
    const text = valid.replace('version: 1', 'version: 1\nenviroments: {}\nextras: true').replace('database: ESTAT_DEV', 'database: 42');
    const err = await errorOf(text);
    expect(err.code).toBe('ECONFIG');
    expect(exitCodeFor(err)).toBe(2);
    expect(err.problems).toHaveLength(3);
    const [a, b, c] = err.problems;
    expect(a).toMatchObject({ message: 'unknown key "enviroments"', location: { file: 'dataship.yaml', line: 2, column: 1 }, hint: 'did you mean "environments"?' });
    expect(b).toMatchObject({ message: 'unknown key "extras"', location: { line: 3 } });
    expect(c).toMatchObject({ path: 'environments.dev.warehouse.database', expected: 'string', location: { line: 10 } });
  });

  it('points YAML syntax errors at their line', async () => {
    const err = await errorOf('version: 1\nproject: [unclosed\n');
    expect(err.problems[0].location?.line).toBeGreaterThanOrEqual(2);
    expect(err.problems[0].expected).toBe('valid YAML');
  });

  it('interpolates ${VAR} and ${VAR:-default}, and reports unset variables with their line', async () => {
    const text = valid.replace('database: ESTAT_DEV', 'database: "${DB_NAME}"').replace('target: local', 'target: "${DBT_TARGET:-local}"');
    const config = await parseConfig({ text, file: 'dataship.yaml', env: { DB_NAME: 'ESTAT_X' } });
    expect(config.environments.dev.warehouse.database).toBe('ESTAT_X');
    expect(config.environments.dev.dbt.target).toBe('local');
    const err = await errorOf(text);
    expect(err.problems[0]).toMatchObject({ message: 'environment variable DB_NAME is not set', location: { line: 8 } });
  });

  it('rejects a secret given as a literal value instead of a reference', async () => {
    const err = await errorOf(valid.replace('env:SLACK_WEBHOOK_URL', 'https://hooks.slack.com/x'));
    expect(err.problems[0].path).toBe('notifications.slack.webhookUrl');
  });

  it('names a missing required key and enum choices', async () => {
    const err = await errorOf(valid.replace('    dbt: { target: local }\n', '').replace('transport: local', 'transport: ftp'));
    const messages = err.problems.map((p) => `${p.path}|${p.message}|${p.expected}`);
    expect(messages.some((m) => m.includes('missing required key "dbt"'))).toBe(true);
    expect(messages.some((m) => m.includes('environments.dev.airflowHost.transport') && m.includes('"ssh"'))).toBe(true);
  });
});
