/**
 * dataship's OCI distribution client against a real registry (Debian's docker-registry on
 * loopback), checked with skopeo: pushes verify layer by layer, survive a proxy that fails 20% of
 * requests, resume after an interruption uploading only what is missing, mount across
 * repositories, and authenticate with Basic and bearer tokens.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildahBuilder } from '../../ci/adapters/builder/builders.js';
import { copyImage, createLayoutStore, createLocalImagePublisher, createRegistryImagePublisher, createRegistryStore, type RegistryImagePublisherOptions } from '../../ci/adapters/images/index.js';
import { createRegistryClient } from '../../ci/adapters/registry/client.js';
import { exitCodeFor } from '../../ci/core/errors.js';
import { MEDIA_TYPES } from '../../ci/core/image/types.js';
import type { ImageBuildResult } from '../../ci/adapters/types.js';
import { buildahStorage, gitCommitAll, makeBusyboxBase, makeImageProject, testLogger, type BuildahStorage, type ImageProject } from '../support/base-image.js';
import { freePort } from '../support/process.js';
import { skopeoCopyAndVerify, startRegistry, startRegistryProxy, type Registry, type RegistryProxy } from '../support/registry.js';

const work = join(tmpdir(), `images-registry-${process.pid}-${Date.now()}`);
mkdirSync(work, { recursive: true });
let registry: Registry;
let storage: BuildahStorage;
let project: ImageProject;
let gitSha: string;
let reference: ImageBuildResult;
const proxies: RegistryProxy[] = [];
const RELEASE = 'r-1111111111111111';
const fast = { retries: 8, minDelayMs: 5, maxDelayMs: 50 };

const proxy = async (opts: Parameters<typeof startRegistryProxy>[0]) => {
  const p = await startRegistryProxy(opts);
  proxies.push(p);
  return p;
};

function publisher(opts: Partial<RegistryImagePublisherOptions> & { repository: string }) {
  return createRegistryImagePublisher({
    registryUrl: registry.url,
    cwd: project.root,
    // One cache: the runtime image is built once, then pushed from the local build everywhere.
    cacheDir: join(work, 'cache'),
    builder: createBuildahBuilder(storage.buildah),
    logger: testLogger(),
    retry: fast,
    ...opts,
  });
}
const build = (p: ReturnType<typeof publisher>) => p.build({ dbtDir: project.dbtDir, runtimeInputs: project.runtimeInputs, labels: { 'org.opencontainers.image.revision': gitSha }, releaseId: RELEASE });

beforeAll(async () => {
  registry = await startRegistry();
  storage = buildahStorage(join(work, 'buildah'));
  await makeBusyboxBase(storage);
  project = makeImageProject({ root: join(work, 'repo') });
  gitSha = await gitCommitAll(project.root);
  reference = await build(publisher({ repository: 'estat/dbt' }));
});
afterAll(async () => {
  for (const p of proxies) await p.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('pushing to a registry', () => {
  it('pushes an image that skopeo copies back with every layer verified, identical to the OCI-layout build', async () => {
    expect(reference.status).toBe('changed');
    expect((reference.details!.runtime as { status: string }).status).toBe('built');
    const img = await skopeoCopyAndVerify(`docker://${registry.host}/estat/dbt:${RELEASE}`);
    expect(img.manifestDigest).toBe(reference.digest);
    expect(img.manifest.layers).toHaveLength(3);
    expect(img.config.config?.Labels?.['org.opencontainers.image.revision']).toBe(gitSha);
    const runtime = await skopeoCopyAndVerify(`docker://${registry.host}/estat/dbt@${reference.runtimeDigest}`);
    expect(img.manifest.layers.slice(0, 2)).toEqual(runtime.manifest.layers);

    // The same release built into the embedded layout (from the same local runtime build) is the same image.
    const layoutDir = join(work, 'layout');
    const local = await createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: project.root, cacheDir: join(work, 'cache'), builder: createBuildahBuilder(storage.buildah), logger: testLogger() }).build({
      dbtDir: project.dbtDir,
      runtimeInputs: project.runtimeInputs,
      labels: { 'org.opencontainers.image.revision': gitSha },
      releaseId: RELEASE,
    });
    expect(local.digest).toBe(reference.digest);
    expect((await skopeoCopyAndVerify(`oci:${layoutDir}:${RELEASE}`)).manifestDigest).toBe(reference.digest);

    // Building again pushes nothing.
    const again = await build(publisher({ repository: 'estat/dbt' }));
    expect(again.status).toBe('unchanged');
    expect(again.bytesUploaded).toBe(0);
    expect(again.details!.uploaded).toEqual([]);
  });

  it('completes through a proxy that fails 20% of requests (500, 429, resets), with an identical result', async () => {
    const p = await proxy({ target: registry.url, faultRate: 0.2, seed: 20240601 });
    const logger = testLogger();
    // Three full pushes (runtime and code image, ~25 requests each) through the same faulty proxy.
    for (const repo of ['faulty/a', 'faulty/b', 'faulty/c']) {
      const res = await build(publisher({ repository: repo, registryUrl: p.url, logger }));
      expect(res.digest).toBe(reference.digest);
      const img = await skopeoCopyAndVerify(`docker://${registry.host}/${repo}:${RELEASE}`);
      expect(img.manifestDigest).toBe(reference.digest);
    }
    const injected = Object.values(p.stats.faults).reduce((a, b) => a + b, 0);
    expect(injected / p.stats.requests).toBeGreaterThan(0.1);
    expect(Object.keys(p.stats.faults).sort()).toEqual(['429', '500', 'reset', 'reset-after']);
    expect(logger.lines.filter((l) => l.includes('retry')).length).toBeGreaterThanOrEqual(injected);
  });

  it('after an interrupted push, uploads only the blobs that are missing', async () => {
    const p = await proxy({ target: registry.url, cutAfterUploads: 2 });
    const repo = 'resume/dbt';
    const err = await build(publisher({ repository: repo, registryUrl: p.url, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 } })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EREGISTRY' });
    expect(exitCodeFor(err)).toBe(3);
    const first = [...p.stats.uploads];
    expect(first).toHaveLength(2);

    p.configure({ cutAfterUploads: undefined });
    p.reset();
    const res = await build(publisher({ repository: repo, registryUrl: p.url }));
    expect(res.digest).toBe(reference.digest);
    const uploaded = res.details!.uploaded as string[];
    // Runtime config, code layer, code config: the two blobs already there are skipped.
    expect(uploaded).toHaveLength(3);
    for (const d of first) expect(uploaded).not.toContain(d);
    expect(res.details!.skipped).toEqual(expect.arrayContaining(first));
    expect([...p.stats.uploads].sort()).toEqual([...uploaded].sort());
    expect((await skopeoCopyAndVerify(`docker://${registry.host}/${repo}:${RELEASE}`)).manifestDigest).toBe(reference.digest);
  });

  it('mounts runtime layers from a shared runtime repository instead of uploading them', async () => {
    const p = await proxy({ target: registry.url });
    const res = await build(publisher({ repository: 'team/dbt', runtimeRepository: 'shared/runtime', registryUrl: p.url }));
    expect(res.digest).toBe(reference.digest);
    const mounted = res.details!.mounted as string[];
    expect(mounted).toHaveLength(2);
    const uploaded = res.details!.uploaded as string[];
    for (const d of mounted) expect(uploaded.filter((u) => u === d)).toHaveLength(1); // uploaded once, to shared/runtime
    expect(p.stats.log.some((l) => l.method === 'POST' && l.outcome === '201')).toBe(true);
    expect((await skopeoCopyAndVerify(`docker://${registry.host}/team/dbt:${RELEASE}`)).manifestDigest).toBe(reference.digest);
  });

  it('re-tags by digest through the registry API, and refuses a digest the registry lacks', async () => {
    const p = publisher({ repository: 'estat/dbt' });
    expect((await p.tag({ digest: reference.digest, tag: 'dev' })).status).toBe('changed');
    expect(await p.resolve({ tag: 'dev' })).toBe(reference.digest);
    const err = await p.tag({ digest: `sha256:${'1'.repeat(64)}`, tag: 'dev' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EDIGEST' });
    expect(exitCodeFor(err)).toBe(3);
    expect(await p.resolve({ tag: 'dev' })).toBe(reference.digest);
  });

  it('pulls an image back into an OCI layout, verifying each blob as it streams', async () => {
    const client = createRegistryClient({ url: registry.url, logger: testLogger(), retry: fast });
    const from = createRegistryStore({ client, repository: 'estat/dbt' });
    expect(await from.listTags()).toEqual(expect.arrayContaining([RELEASE, reference.runtimeTag]));
    const dir = join(work, 'pulled');
    const to = createLayoutStore({ dir });
    const { digest, report } = await copyImage({ from, to, ref: RELEASE, tag: 'pulled', logger: testLogger() });
    expect(digest).toBe(reference.digest);
    expect(report.uploaded).toHaveLength(4); // three layers and the config
    expect((await skopeoCopyAndVerify(`oci:${dir}:pulled`)).manifestDigest).toBe(reference.digest);
  });

  it('puts and gets Docker v2 manifests, and keeps the Docker v2 family when the runtime image is one', async () => {
    const client = createRegistryClient({ url: registry.url, logger: testLogger(), retry: fast });
    const oci = JSON.parse((await client.getManifest({ repository: 'estat/dbt', reference: reference.runtimeDigest! }))!.bytes.toString());
    const docker = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: { ...oci.config, mediaType: MEDIA_TYPES.dockerConfig },
      layers: oci.layers.map((l: { digest: string; size: number }) => ({ ...l, mediaType: MEDIA_TYPES.dockerLayerGzip })),
    };
    for (const d of [docker.config, ...docker.layers]) {
      const res = await client.uploadBlob({ repository: 'dockerv2/dbt', digest: d.digest, size: d.size, mountFrom: 'estat/dbt', open: () => { throw new Error('mount expected'); } });
      expect(res.mounted).toBe(true);
    }
    const bytes = Buffer.from(JSON.stringify(docker));
    await client.putManifest({ repository: 'dockerv2/dbt', reference: reference.runtimeTag, bytes, mediaType: MEDIA_TYPES.dockerManifest });
    const got = (await client.getManifest({ repository: 'dockerv2/dbt', reference: reference.runtimeTag }))!;
    expect(got.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(got.bytes.equals(bytes)).toBe(true);

    const res = await build(publisher({ repository: 'dockerv2/dbt' }));
    expect((res.details!.runtime as { status: string }).status).toBe('found');
    expect(res.details!.manifestMediaType).toBe(MEDIA_TYPES.dockerManifest);
    const img = await skopeoCopyAndVerify(`docker://${registry.host}/dockerv2/dbt:${RELEASE}`);
    expect(img.manifestDigest).toBe(res.digest);
    expect(img.manifest.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(img.manifest.layers.map((l) => l.mediaType)).toEqual(Array(3).fill(MEDIA_TYPES.dockerLayerGzip));
  });

  it('reports progress while uploading', async () => {
    const logger = testLogger();
    const client = createRegistryClient({ url: registry.url, logger, retry: fast });
    const blob = Buffer.alloc(300_000, 7);
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const { Readable } = await import('node:stream');
    expect(await client.hasBlob({ repository: 'progress/x', digest })).toBe(false);
    const res = await client.uploadBlob({ repository: 'progress/x', digest, size: blob.length, open: () => Readable.from([blob.subarray(0, 150_000), blob.subarray(150_000)]) });
    expect(res).toEqual({ bytes: blob.length, mounted: false });
    expect(await client.hasBlob({ repository: 'progress/x', digest })).toBe(true);
    expect(logger.progressCalls).toBeGreaterThan(0);
    // A blob whose bytes do not match its digest is refused by the registry.
    const bad = await client.uploadBlob({ repository: 'progress/x', digest: `sha256:${'2'.repeat(64)}`, size: 3, open: () => Readable.from([Buffer.from('abc')]) }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'EREGISTRY' });
  });
});

describe('registry authentication and failures', () => {
  it('authenticates with Basic credentials and names refused ones', async () => {
    const p = await proxy({ target: registry.url, auth: { kind: 'basic', username: 'ci', password: 's3cret-pass' } });
    const ok = createRegistryClient({ url: p.url, credentials: { username: 'ci', password: 's3cret-pass' }, logger: testLogger(), retry: fast });
    await ok.ping();
    expect(await ok.getManifest({ repository: 'estat/dbt', reference: RELEASE })).toMatchObject({ digest: reference.digest });
    const wrong = createRegistryClient({ url: p.url, credentials: { username: 'ci', password: 'nope' }, logger: testLogger(), retry: fast });
    await expect(wrong.ping()).rejects.toMatchObject({ code: 'EREGISTRY', message: expect.stringContaining('401') });
    const anonymous = createRegistryClient({ url: p.url, logger: testLogger(), retry: fast });
    await expect(anonymous.getManifest({ repository: 'estat/dbt', reference: RELEASE })).rejects.toMatchObject({ code: 'EREGISTRY' });
  });

  it('follows the bearer-token challenge, with Basic credentials at the token service, and pushes', async () => {
    const p = await proxy({ target: registry.url, auth: { kind: 'bearer', username: 'ci', password: 'tok-pass' } });
    const secrets: string[] = [];
    const res = await build(publisher({ repository: 'bearer/dbt', registryUrl: p.url, auth: { username: 'ci', password: 'tok-pass' }, onSecret: (s) => secrets.push(s) }));
    expect(res.digest).toBe(reference.digest);
    expect(p.stats.tokenRequests).toBeGreaterThan(0);
    expect(secrets).toContain('tok-pass');
    expect(secrets.length).toBeGreaterThan(1); // tokens too
    const anonymous = createRegistryClient({ url: p.url, logger: testLogger(), retry: fast });
    await expect(anonymous.ping()).rejects.toMatchObject({ code: 'EREGISTRY' });
  });

  it('gives up on an unreachable registry after its retries with EREGISTRY (exit 3)', async () => {
    const port = await freePort();
    const client = createRegistryClient({ url: `http://127.0.0.1:${port}`, logger: testLogger(), retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 } });
    const err = await client.hasBlob({ repository: 'x/y', digest: `sha256:${'3'.repeat(64)}` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EREGISTRY', message: expect.stringContaining('after 3 attempts') });
    expect(exitCodeFor(err)).toBe(3);
  });
});
