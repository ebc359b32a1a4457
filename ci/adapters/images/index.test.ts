import { describe, expect, it } from 'vitest';
import type { DataShipConfig } from '../../core/config/model.js';
import { createImagePublisher } from './index.js';

const logger = { debug() {}, info() {}, warn() {}, error() {}, group: <T>(_t: string, fn: () => Promise<T>) => fn(), progress() {} };
const config = (image: Partial<DataShipConfig['image']>, aws?: DataShipConfig['aws']): DataShipConfig =>
  ({
    version: 1,
    project: { name: 'estat', dbtDir: 'dbt', dagsDir: 'dags' },
    image: { repository: 'estat/dbt', dockerfile: 'dbt/Dockerfile', runtimeInputs: ['dbt/Dockerfile'], builder: 'none', ...image },
    aws,
    environments: {},
    gate: { requireTestedDigest: true, requiredChecks: [], allowSkipped: false },
  }) as DataShipConfig;

describe('createImagePublisher', () => {
  it('uses the embedded OCI layout when local or when no registry is configured', () => {
    expect(createImagePublisher({ config: config({}), cwd: '/r', logger }).describe()).toContain('OCI layout');
    expect(createImagePublisher({ config: config({ registry: { url: 'http://127.0.0.1:5000' } }), cwd: '/r', logger, local: true }).describe()).toContain('OCI layout');
  });
  it('uses the registry, or ECR, as configured, without calling anything', () => {
    expect(createImagePublisher({ config: config({ registry: { url: 'http://127.0.0.1:5000' } }), cwd: '/r', logger }).describe()).toBe('registry http://127.0.0.1:5000/estat/dbt');
    expect(createImagePublisher({ config: config({ registry: { ecr: true } }, { region: 'ap-northeast-1' }), cwd: '/r', logger }).describe()).toContain('ECR');
  });
  it('needs a region for ECR', () => {
    expect(() => createImagePublisher({ config: config({ registry: { ecr: true } }), cwd: '/r', logger, env: {} })).toThrow(/aws.region/);
  });
});
