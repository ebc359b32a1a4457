/**
 * `build`: makes the release candidate — the code image (runtime image + dbt project layer), the DAG
 * bundle and the release record. A release whose content already exists is reused, never rebuilt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Release } from '../core/release.js';
import { shortDigest } from '../core/release.js';
import type { Step } from '../core/types.js';
import { gitRevision } from '../adapters/git.js';
import { readReleaseInputs } from './release-inputs.js';

export const releaseTag = (id: string) => `release-${id}`;

export const buildStep: Step = {
  name: 'build',
  async plan(ctx) {
    const tmp = await mkdtemp(join(tmpdir(), 'dataship-plan-'));
    try {
      const inputs = await readReleaseInputs({ ctx, bundleDir: tmp });
      const existing = await ctx.adapters.releases.get(inputs.releaseId);
      if (existing) {
        ctx.state.release = existing;
        return [{ action: 'reuse', target: `release ${inputs.releaseId}`, detail: 'content unchanged: nothing to build' }];
      }
      return [
        { action: 'build', target: `code image ${ctx.config.image.repository}:${releaseTag(inputs.releaseId)}`, detail: `dbt project ${shortDigest(inputs.projectDigest)}` },
        { action: 'pack', target: `DAG bundle ${shortDigest(inputs.bundle.digest)}`, detail: `${Object.keys(inputs.bundle.manifest.files).length} files` },
        { action: 'record', target: `release ${inputs.releaseId}` },
      ];
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
  async run(ctx) {
    const inputs = await readReleaseInputs({ ctx });
    const existing = await ctx.adapters.releases.get(inputs.releaseId);
    if (existing?.image.digest) {
      const tagged = await ctx.adapters.images.resolve({ tag: releaseTag(existing.id) });
      if (tagged === existing.image.digest) {
        ctx.state.release = existing;
        return { status: 'unchanged', summary: `release ${existing.id} already built (image ${shortDigest(existing.image.digest)})`, details: { release: existing } };
      }
    }
    const gitSha = await gitRevision({ cwd: ctx.cwd, env: ctx.env });
    const image = await ctx.adapters.images.build({
      dbtDir: inputs.dbtDir,
      runtimeInputs: inputs.runtimeInputs,
      releaseId: inputs.releaseId,
      labels: { 'org.opencontainers.image.revision': gitSha, 'dev.dataship.release': inputs.releaseId },
    });
    await ctx.adapters.images.tag({ digest: image.digest, tag: releaseTag(inputs.releaseId) });
    await ctx.adapters.bundles.publish({ bundle: inputs.bundle });
    const release: Release = existing ?? {
      id: inputs.releaseId,
      gitSha,
      createdAt: new Date().toISOString(),
      createdBy: ctx.actor,
      image: { repository: image.repository, digest: image.digest, runtimeDigest: image.runtimeDigest, runtimeTag: image.runtimeTag },
      dags: { bundleDigest: inputs.bundle.digest, files: Object.keys(inputs.bundle.manifest.files).length },
      dbt: { projectDigest: inputs.projectDigest, manifestDigest: null },
      checks: {},
    };
    await ctx.adapters.releases.put(release);
    ctx.state.release = (await ctx.adapters.releases.get(release.id)) ?? release;
    return {
      status: 'changed',
      summary: `release ${release.id}: image ${shortDigest(image.digest)} (${image.summary}), DAG bundle ${shortDigest(inputs.bundle.digest)}`,
      details: { release, bytesUploaded: image.bytesUploaded, image: image.details },
    };
  },
};
