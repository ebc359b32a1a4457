/**
 * The runtime image and the code image on the embedded OCI layout, against real tools: buildah
 * (vfs, chroot) builds the runtime image from a local busybox base; skopeo and buildah read what
 * dataship wrote; a fresh git clone gives the same code image digest.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildahBuilder, type ContainerBuilder } from '../../ci/adapters/builder/builders.js';
import { createLocalImagePublisher } from '../../ci/adapters/images/index.js';
import { buildahStorage, gitClone, gitCommitAll, makeBusyboxBase, makeImageProject, testLogger, type BuildahStorage, type ImageProject } from '../support/base-image.js';
import { skopeoCopyAndVerify } from '../support/registry.js';

const run = promisify(execFile);
// Lower case: buildah names an image pulled from `oci:<dir>` after the directory.
const work = join(tmpdir(), `images-build-${process.pid}-${Date.now()}`);
mkdirSync(work, { recursive: true });
let storage: BuildahStorage;
let project: ImageProject;
let gitSha: string;
let builds = 0;

/** buildah, counting the builds it is asked for. */
function countingBuilder(): ContainerBuilder {
  const inner = createBuildahBuilder(storage.buildah);
  return { ...inner, build: async (req) => (builds++, inner.build(req)) };
}

beforeAll(async () => {
  storage = buildahStorage(join(work, 'buildah'));
  await makeBusyboxBase(storage);
  project = makeImageProject({ root: join(work, 'repo') });
  gitSha = await gitCommitAll(project.root);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const buildOpts = (p: ImageProject, releaseId: string) => ({ dbtDir: p.dbtDir, runtimeInputs: p.runtimeInputs, labels: { 'org.opencontainers.image.revision': gitSha }, releaseId });

describe('code image on the OCI layout', () => {
  it('builds the runtime image with buildah only when runtime-<hash> is missing, then appends the code layer', async () => {
    const layoutDir = join(work, 'layout-a');
    const logger = testLogger();
    const publisher = createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: project.root, cacheDir: join(work, 'cache-a'), builder: countingBuilder(), logger });
    const first = await publisher.build(buildOpts(project, 'r-0000000000000001'));
    expect(builds).toBe(1);
    expect(first.runtimeTag).toMatch(/^runtime-[a-f0-9]{16}$/);
    expect(first.runtimeDigest).toMatch(/^sha256:/);
    expect(first.status).toBe('changed');
    expect((first.details!.runtime as { status: string }).status).toBe('built');
    expect(await publisher.resolve({ tag: 'r-0000000000000001' })).toBe(first.digest);
    expect(await publisher.resolve({ tag: first.runtimeTag })).toBe(first.runtimeDigest);

    // skopeo reads the layout; every blob verifies; the config carries the labels and the code layer.
    const img = await skopeoCopyAndVerify(`oci:${layoutDir}:r-0000000000000001`);
    expect(img.manifestDigest).toBe(first.digest);
    expect(img.manifest.layers).toHaveLength(3);
    const codeLayer = first.details!.codeLayer as { digest: string; diffId: string };
    expect(img.manifest.layers[2].digest).toBe(codeLayer.digest);
    expect(img.config.rootfs.diff_ids.at(-1)).toBe(codeLayer.diffId);
    expect(img.config.config?.Labels).toMatchObject({ 'org.opencontainers.image.revision': gitSha, 'dev.dataship.release': 'r-0000000000000001' });

    // buildah runs it: the project is at /app/dbt, the runtime's stale copy is hidden, the runtime is there.
    const b = (...args: string[]) => run('buildah', [...storage.flags, ...args]);
    const c = (await b('from', '--quiet', '--name', 'code-image-check', `oci:${layoutDir}:r-0000000000000001`)).stdout.trim();
    const inside = (await b('run', '--isolation', 'chroot', c, '--', '/bin/sh', '-c', 'cat /app/dbt/dbt_project.yml; ls /app/dbt; cat /opt/runtime/marker')).stdout;
    await b('rm', c);
    expect(inside).toContain('name: estat');
    expect(inside).toContain('models');
    expect(inside).not.toContain('stale.sql');
    expect(inside).toContain('dbt-runtime');

    // A SQL-only change: the runtime is found (no build), only the code layer and config are written.
    writeFileSync(join(project.root, 'dbt/models/marts.sql'), "select *, 1 as v2 from {{ ref('stg_population') }}\n");
    const second = await publisher.build(buildOpts(project, 'r-0000000000000002'));
    expect(builds).toBe(1);
    expect((second.details!.runtime as { status: string }).status).toBe('found');
    expect(second.runtimeDigest).toBe(first.runtimeDigest);
    expect(second.digest).not.toBe(first.digest);
    const uploaded = second.details!.uploaded as string[];
    expect(uploaded).toHaveLength(2);
    expect(uploaded).toContain((second.details!.codeLayer as { digest: string }).digest);
    expect(second.bytesUploaded).toBeLessThan((second.details!.codeLayer as { size: number }).size + 4096);
    await run('git', ['checkout', '-q', '--', '.'], { cwd: project.root });
  });

  it('gives the same digest from the working tree and from a fresh git clone elsewhere', async () => {
    const clone = join(work, 'elsewhere', 'clone');
    await gitClone(project.root, clone);
    const layoutDir = join(work, 'layout-repro');
    const mk = (cwd: string) => createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd, cacheDir: join(work, 'cache-a'), builder: countingBuilder(), logger: testLogger() });
    const a = await mk(project.root).build(buildOpts(project, 'r-00000000000000aa'));
    const b = await mk(clone).build(buildOpts({ ...project, root: clone }, 'r-00000000000000aa'));
    expect(b.digest).toBe(a.digest);
    // The second build computed the same manifest, so the tag did not move.
    expect(b.status).toBe('unchanged');
    expect(b.details!.builtDigest).toBeUndefined();

    // Fully independent stores, no runtime: still identical, byte for byte.
    const scratch = (cwd: string, dir: string) =>
      createLocalImagePublisher({ layoutDir: join(work, dir), repository: 'estat/dbt', cwd, cacheDir: join(work, `${dir}-cache`), builder: 'none', logger: testLogger() });
    const s1 = await scratch(project.root, 'layout-s1').build(buildOpts(project, 'r-00000000000000bb'));
    const s2 = await scratch(clone, 'layout-s2').build(buildOpts({ ...project, root: clone }, 'r-00000000000000bb'));
    expect(s2.digest).toBe(s1.digest);
    expect(s1.status).toBe('changed');
    expect(s2.status).toBe('changed');
  });

  it('without a builder still makes a code image on scratch and says why the runtime is missing', async () => {
    const layoutDir = join(work, 'layout-none');
    const publisher = createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: project.root, cacheDir: join(work, 'cache-none'), builder: 'none', logger: testLogger() });
    const res = await publisher.build(buildOpts(project, 'r-00000000000000cc'));
    expect(res.runtimeDigest).toBeNull();
    expect(res.summary).toContain('runtime image not built');
    const img = await skopeoCopyAndVerify(`oci:${layoutDir}:r-00000000000000cc`);
    expect(img.manifestDigest).toBe(res.digest);
    expect(img.manifest.layers).toHaveLength(1);
    expect(img.config.created).toBe('1970-01-01T00:00:00Z');
  });

  it('changing a runtime input gives a new runtime tag', async () => {
    const layoutDir = join(work, 'layout-none2');
    const publisher = createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: project.root, cacheDir: join(work, 'cache-none'), builder: 'none', logger: testLogger() });
    const a = await publisher.build(buildOpts(project, 'r-00000000000000dd'));
    writeFileSync(join(project.root, 'dbt/requirements.txt'), 'dbt-core==1.9.0\n');
    const b = await publisher.build(buildOpts(project, 'r-00000000000000dd'));
    await run('git', ['checkout', '-q', '--', '.'], { cwd: project.root });
    expect(b.runtimeTag).not.toBe(a.runtimeTag);
    expect((b.details!.runtime as { inputsDigest: string }).inputsDigest).not.toBe((a.details!.runtime as { inputsDigest: string }).inputsDigest);
    const img = await skopeoCopyAndVerify(`oci:${layoutDir}:r-00000000000000dd`);
    expect(img.config.config?.Labels?.['dev.dataship.runtime-tag']).toBe(b.runtimeTag);
  });

  it('reports a failing runtime build as ETOOL with the builder output, and writes nothing', async () => {
    const broken = makeImageProject({ root: join(work, 'broken') });
    writeFileSync(join(broken.root, 'dbt/Dockerfile'), 'FROM localhost/busybox-base\nRUN echo pip-failed >&2 && exit 7\n');
    const layoutDir = join(work, 'layout-broken');
    const publisher = createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: broken.root, cacheDir: join(work, 'cache-broken'), builder: createBuildahBuilder(storage.buildah), logger: testLogger() });
    const err = await publisher.build(buildOpts(broken, 'r-00000000000000ee')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ETOOL' });
    expect((err as Error).message).toContain('pip-failed');
    expect(await publisher.resolve({ tag: 'r-00000000000000ee' })).toBeNull();
  });

  it('re-tags by digest on the layout and refuses a digest it does not hold (EDIGEST, exit 3, no tag moves)', async () => {
    const layoutDir = join(work, 'layout-none');
    const publisher = createLocalImagePublisher({ layoutDir, repository: 'estat/dbt', cwd: project.root, builder: 'none', logger: testLogger() });
    const digest = (await publisher.resolve({ tag: 'r-00000000000000cc' }))!;
    expect((await publisher.tag({ digest, tag: 'dev' })).status).toBe('changed');
    expect((await publisher.tag({ digest, tag: 'dev' })).status).toBe('unchanged');
    expect(await publisher.resolve({ tag: 'dev' })).toBe(digest);
    const missing = `sha256:${'0'.repeat(64)}`;
    const err = await publisher.tag({ digest: missing, tag: 'dev' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EDIGEST', kind: 'external' });
    const { exitCodeFor } = await import('../../ci/core/errors.js');
    expect(exitCodeFor(err)).toBe(3);
    expect(await publisher.resolve({ tag: 'dev' })).toBe(digest);
    const tagged = await skopeoCopyAndVerify(`oci:${layoutDir}:dev`);
    expect(tagged.manifestDigest).toBe(digest);
  });
});
