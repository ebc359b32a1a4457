/** The AWS release store and pointers against moto's S3 and SSM (real SDK wire protocol). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../support/moto.js';
import { createSsmPointerStore } from '../../ci/adapters/aws/ssm-pointer-store.js';
import { createS3ReleaseStore } from '../../ci/adapters/aws/s3-release-store.js';
import type { Release } from '../../ci/core/release.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
});
afterAll(async () => moto?.stop());

const release = (id: string): Release => ({
  id,
  gitSha: 'abc',
  createdAt: new Date().toISOString(),
  image: { repository: 'estat-dbt', digest: 'sha256:' + 'a'.repeat(64), runtimeDigest: null },
  dags: { bundleDigest: 'sha256:' + 'b'.repeat(64), files: 4 },
  dbt: { projectDigest: 'sha256:' + 'c'.repeat(64) },
  checks: {},
});

describe('SSM pointer store', () => {
  it('keeps every move as a parameter version, labelled with its release id', async () => {
    const store = await createSsmPointerStore({ region: 'ap-northeast-1', endpoint: moto.endpoint, prefix: '/dataship/estat' });
    expect(await store.current('prod')).toBeNull();
    expect(await store.history('prod')).toEqual([]);
    await store.move({ env: 'prod', releaseId: 'r-1', by: 'alice', action: 'promote', runId: 'run1' });
    await store.move({ env: 'prod', releaseId: 'r-2', by: 'bob', action: 'promote' });
    const back = await store.move({ env: 'prod', releaseId: 'r-1', by: 'bob', action: 'rollback' });
    expect(back).toMatchObject({ version: 3, previousReleaseId: 'r-2', action: 'rollback' });
    expect((await store.current('prod'))?.releaseId).toBe('r-1');
    expect((await store.history('prod')).map((m) => `${m.version}:${m.action}:${m.releaseId}`)).toEqual(['3:rollback:r-1', '2:promote:r-2', '1:promote:r-1']);
    const ssm = new SSMClient({ region: 'ap-northeast-1', endpoint: moto.endpoint });
    const byLabel = await ssm.send(new GetParameterCommand({ Name: '/dataship/estat/prod/release:r-2' }));
    expect(byLabel.Parameter?.Version).toBe(2);
  });

  it('reports an unreachable SSM as an external error naming the call', async () => {
    const store = await createSsmPointerStore({ region: 'ap-northeast-1', endpoint: 'http://127.0.0.1:9', prefix: '/x', maxAttempts: 1 });
    await expect(store.current('dev')).rejects.toMatchObject({ code: 'EAWS', operation: 'ssm:GetParameter /x/dev/release' });
  });
});

describe('S3 release store', () => {
  it('writes a release once and keeps check attestations beside it', async () => {
    const s3 = new S3Client({ region: 'ap-northeast-1', endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'estat-releases', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' } }));
    const store = await createS3ReleaseStore({ region: 'ap-northeast-1', endpoint: moto.endpoint, bucket: 'estat-releases' });
    expect(await store.put(release('r-1'))).toBe(true);
    expect(await store.put({ ...release('r-1'), gitSha: 'changed' })).toBe(false);
    await store.addCheck({ releaseId: 'r-1', key: 'dev/dbt-tests', check: { status: 'pass', digest: 'sha256:x' } });
    const got = await store.get('r-1');
    expect(got?.gitSha).toBe('abc');
    expect(got?.checks).toEqual({ 'dev/dbt-tests': { status: 'pass', digest: 'sha256:x' } });
    expect((await store.list()).map((r) => r.id)).toEqual(['r-1']);
    expect(await store.get('r-missing')).toBeNull();
  });
});

describe('S3 bundle store', () => {
  it('publishes a packed bundle once and fetches it on another machine, verified against its digest', async () => {
    const { mkdtemp, writeFile, mkdir, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { packDagBundle } = await import('../../ci/core/dag-bundle/index.js');
    const { createS3BundleStore } = await import('../../ci/adapters/aws/s3-bundle-store.js');
    const src = await mkdtemp(join(tmpdir(), 'dags-'));
    await mkdir(join(src, 'dags'));
    await writeFile(join(src, 'dags', 'a.py'), 'x = 1\n');
    const built = await packDagBundle({ dir: src, outDir: await mkdtemp(join(tmpdir(), 'b1-')) });
    const s3 = new S3Client({ region: 'ap-northeast-1', endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'bundles-test', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' } })).catch(() => undefined);
    const agentA = await createS3BundleStore({ region: 'ap-northeast-1', endpoint: moto.endpoint, bucket: 'bundles-test', localDir: await mkdtemp(join(tmpdir(), 'a-')) });
    expect(await agentA.publish({ bundle: built })).toBe('stored');
    expect(await agentA.publish({ bundle: built })).toBe('present');
    const agentB = await createS3BundleStore({ region: 'ap-northeast-1', endpoint: moto.endpoint, bucket: 'bundles-test', localDir: await mkdtemp(join(tmpdir(), 'b-')) });
    const fetched = await agentB.fetch({ digest: built.digest });
    expect(fetched.manifest).toEqual(built.manifest);
    expect(await readFile(fetched.tarballPath)).toEqual(await readFile(built.tarballPath));
    await expect(agentB.fetch({ digest: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
