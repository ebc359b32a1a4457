import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../core/config/model.js';
import { DataShipError } from '../../core/errors.js';
import { memoryLogger } from '../../../test/support/dag-fixtures.js';
import { createDagHost } from './from-config.js';

const envConfig = (airflowHost: EnvironmentConfig['airflowHost']) => ({ backend: 'aws', airflowHost }) as unknown as EnvironmentConfig;
const base = { env: 'dev', localRoot: '/tmp/x/.dataship/hosts/dev', logger: memoryLogger(), processEnv: { HOME: '/home/ci' } };

describe('createDagHost (from the configuration)', () => {
  it('uses the embedded host directory for the local transport', async () => {
    const h = await createDagHost({ ...base, transport: 'local', envConfig: envConfig({ transport: 'local' }) });
    expect(h.describe()).toBe('local host /tmp/x/.dataship/hosts/dev');
  });

  it('builds ssh and ssm hosts, expanding ~ in key paths', async () => {
    const ssh = await createDagHost({ ...base, transport: 'ssh', envConfig: envConfig({ transport: 'ssh', root: '/opt/airflow/dags', ssh: { host: 'airflow.internal', user: 'deploy', identityFile: '~/.ssh/id', knownHostsFile: '~/.ssh/kh' } }) });
    expect(ssh.describe()).toBe('ssh deploy@airflow.internal:/opt/airflow/dags');
    const ssm = await createDagHost({ ...base, transport: 'ssm', awsRegion: 'ap-northeast-1', envConfig: envConfig({ transport: 'ssm', root: '/opt/airflow/dags', ssm: { instanceId: 'i-0123456789abcdef0', bucket: 'b' } }) });
    expect(ssm.describe()).toBe('ssm i-0123456789abcdef0:/opt/airflow/dags');
  });

  it('reports a missing root or transport block as a configuration error', async () => {
    const noRoot = (await createDagHost({ ...base, transport: 'ssh', envConfig: envConfig({ transport: 'ssh', ssh: { host: 'h', identityFile: 'k', knownHostsFile: 'kh' } }) }).catch((e: unknown) => e)) as DataShipError;
    expect(noRoot.code).toBe('ECONFIG');
    expect(noRoot.message).toMatch(/environments\.dev\.airflowHost\.root/);
    const noSsm = (await createDagHost({ ...base, transport: 'ssm', envConfig: envConfig({ transport: 'ssm', root: '/opt/d' }) }).catch((e: unknown) => e)) as DataShipError;
    expect(noSsm.code).toBe('ECONFIG');
    expect(noSsm.message).toMatch(/airflowHost\.ssm is required/);
  });
});
