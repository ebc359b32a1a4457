/**
 * The ECR control plane against moto's server (real SDK wire protocol): the repository with
 * immutable release tags and mutable environment tags, scan on push and a lifecycle policy;
 * credentials from GetAuthorizationToken; promotion by re-tagging a digest (never a rebuild).
 * moto has no registry behind ECR, so image data goes to Debian's docker-registry and the test
 * registers the pushed manifest with moto's PutImage, as ECR itself does on a push.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECRClient, DescribeRepositoriesCommand, GetLifecyclePolicyCommand, PutImageCommand } from '@aws-sdk/client-ecr';
import { createEcrControlPlane, type EcrControlPlane } from '../../ci/adapters/aws/ecr.js';
import { createRegistryImagePublisher } from '../../ci/adapters/images/index.js';
import { createRegistryClient } from '../../ci/adapters/registry/client.js';
import { exitCodeFor } from '../../ci/core/errors.js';
import { gitCommitAll, makeImageProject, testLogger, type ImageProject } from '../support/base-image.js';
import { startMoto, type Moto } from '../support/moto.js';
import { startRegistry, startRegistryProxy, type Registry, type RegistryProxy } from '../support/registry.js';

const work = join(tmpdir(), `images-ecr-${process.pid}-${Date.now()}`);
mkdirSync(work, { recursive: true });
let moto: Moto;
let registry: Registry;
let project: ImageProject;
let sdk: ECRClient;
const REPO = 'estat/dbt';
const region = 'ap-northeast-1';

const ecrOpts = () => ({ region, endpoint: moto.endpoint, repository: REPO, mutableTags: ['dev', 'prod'], logger: testLogger() });

beforeAll(async () => {
  moto = await startMoto();
  for (const [k, v] of Object.entries(moto.awsEnv)) process.env[k] = v;
  registry = await startRegistry();
  project = makeImageProject({ root: join(work, 'repo') });
  await gitCommitAll(project.root);
  sdk = new ECRClient({ region, endpoint: moto.endpoint });
});
afterAll(async () => {
  await registry?.stop();
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** What ECR does on a registry push: the manifest becomes an image with that tag. */
async function registerWithEcr(opts: { manifest: Buffer; mediaType: string; tag: string }): Promise<void> {
  await sdk.send(new PutImageCommand({ repositoryName: REPO, imageManifest: opts.manifest.toString(), imageManifestMediaType: opts.mediaType, imageTag: opts.tag }));
}

describe('ECR control plane', () => {
  let ecr: EcrControlPlane;

  it('creates the repository with immutable release tags, environment-tag exclusions, scan on push and a lifecycle policy', async () => {
    ecr = createEcrControlPlane(ecrOpts());
    expect((await ecr.ensureRepository()).status).toBe('changed');
    const repo = (await sdk.send(new DescribeRepositoriesCommand({ repositoryNames: [REPO] }))).repositories![0];
    expect(repo.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(repo.imageTagMutabilityExclusionFilters?.map((f) => f.filter).sort()).toEqual(['dev', 'prod']);
    expect(repo.imageScanningConfiguration?.scanOnPush).toBe(true);
    const policy = JSON.parse((await sdk.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }))).lifecyclePolicyText!);
    expect(policy.rules.map((r: { selection: { tagStatus: string } }) => r.selection.tagStatus)).toEqual(['tagged', 'untagged']);
    // Idempotent.
    expect((await ecr.ensureRepository()).status).toBe('unchanged');
  });

  it('gives registry credentials from GetAuthorizationToken that a Basic-auth registry accepts', async () => {
    const auth = await ecr.authorizationFor();
    expect(auth.username).toBe('AWS');
    expect(auth.password.length).toBeGreaterThan(4);
    expect(auth.registryUrl).toMatch(/^https:\/\/\d+\.dkr\.ecr\.ap-northeast-1\.amazonaws\.com$/);
    let proxy: RegistryProxy | undefined;
    try {
      proxy = await startRegistryProxy({ target: registry.url, auth: { kind: 'basic', username: auth.username, password: auth.password } });
      const client = createRegistryClient({ url: proxy.url, credentials: () => ecr.authorizationFor(), logger: testLogger() });
      await client.ping();
    } finally {
      await proxy?.stop();
    }
  });

  it('promotes by re-tagging the tested digest, and refuses a missing digest without moving any tag', async () => {
    // Build and push the code image (no runtime builder needed for the control-plane check).
    const publisher = createRegistryImagePublisher({ registryUrl: registry.url, repository: REPO, cwd: project.root, cacheDir: join(work, 'cache'), builder: 'none', ecr, logger: testLogger() });
    const built = await publisher.build({ dbtDir: project.dbtDir, runtimeInputs: project.runtimeInputs, labels: {}, releaseId: 'r-2222222222222222' });
    const client = createRegistryClient({ url: registry.url, logger: testLogger() });
    const manifest = (await client.getManifest({ repository: REPO, reference: built.digest }))!;
    expect(manifest.digest).toBe(built.digest);
    await registerWithEcr({ manifest: manifest.bytes, mediaType: manifest.mediaType, tag: 'r-2222222222222222' });

    // moto's image digest is its own (not sha256 of the manifest bytes): the tested digest is what ECR reports.
    const tested = (await publisher.resolve({ tag: 'r-2222222222222222' }))!;
    expect(tested).toMatch(/^sha256:[a-f0-9]{64}$/);
    const moved = await publisher.tag({ digest: tested, tag: 'dev' });
    expect(moved.status).toBe('changed');
    expect(await ecr.describeImageDigest({ tag: 'dev' })).toBe(tested);
    // Again: ImageAlreadyExistsException (or already there) counts as success.
    expect((await ecr.retag({ digest: tested, tag: 'dev' })).status).toBe('unchanged');

    // A second release moves dev (an environment tag is mutable) ...
    const other = JSON.parse(manifest.bytes.toString());
    other.layers = [...other.layers, { ...other.layers[0], digest: `sha256:${'4'.repeat(64)}` }];
    await registerWithEcr({ manifest: Buffer.from(JSON.stringify(other)), mediaType: manifest.mediaType, tag: 'r-3333333333333333' });
    const next = (await ecr.describeImageDigest({ tag: 'r-3333333333333333' }))!;
    expect(next).not.toBe(tested);
    expect((await ecr.retag({ digest: next, tag: 'dev' })).summary).toContain('was');
    expect(await ecr.describeImageDigest({ tag: 'dev' })).toBe(next);
    await ecr.retag({ digest: tested, tag: 'dev' });

    // ... and a digest ECR does not hold is EDIGEST (exit 3), with dev left where it was.
    const err = await publisher.tag({ digest: `sha256:${'0'.repeat(64)}`, tag: 'dev' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EDIGEST', kind: 'external' });
    expect((err as Error).message).toContain('tag dev was not moved');
    expect(exitCodeFor(err)).toBe(3);
    expect(await ecr.describeImageDigest({ tag: 'dev' })).toBe(tested);
    expect(await ecr.describeImageDigest({ tag: 'prod' })).toBeNull();
  });

  it('names AWS failures with EAWS (a repository that does not exist)', async () => {
    const missing = createEcrControlPlane({ ...ecrOpts(), repository: 'no/such-repo' });
    await expect(missing.retag({ digest: `sha256:${'5'.repeat(64)}`, tag: 'dev' })).rejects.toMatchObject({ code: 'EAWS' });
  });
});
