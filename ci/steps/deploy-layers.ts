/**
 * The steps that make one layer of an environment match a release: the image's environment tag,
 * the DAG bundle on the Airflow host, and the environment pointer. Each is a no-op when the layer
 * already matches.
 */
import { environmentOf } from '../adapters/factory.js';
import { shortDigest } from '../core/release.js';
import type { Step } from '../core/types.js';
import { currentRelease, targetEnv } from './resolve-release.js';

export const imageTagStep: Step = {
  name: 'image-tag',
  async plan(ctx) {
    const env = targetEnv(ctx);
    const tag = environmentOf({ config: ctx.config, env }).imageTag ?? env;
    return [{ action: 'tag', target: `${ctx.config.image.repository}:${tag}`, detail: `→ ${shortDigest(ctx.state.release?.image.digest)}` }];
  },
  async run(ctx) {
    const env = targetEnv(ctx);
    const release = currentRelease(ctx);
    const tag = environmentOf({ config: ctx.config, env }).imageTag ?? env;
    if (!release.image.digest) return { status: 'skipped', reason: 'the release has no image' };
    const now = await ctx.adapters.images.resolve({ tag });
    if (now === release.image.digest) return { status: 'unchanged', summary: `${tag} already at ${shortDigest(now)}` };
    const r = await ctx.adapters.images.tag({ digest: release.image.digest, tag });
    return { status: 'changed', summary: `${tag}: ${shortDigest(now)} → ${shortDigest(release.image.digest)}`, details: r.details };
  },
};

export const syncDagsStep: Step = {
  name: 'sync-dags',
  async plan(ctx) {
    const env = targetEnv(ctx);
    const host = ctx.adapters.dagHost(env);
    return [{ action: 'deploy', target: `DAG bundle ${shortDigest(ctx.state.release?.dags.bundleDigest)}`, detail: `to ${host.describe()}` }];
  },
  async run(ctx) {
    const env = targetEnv(ctx);
    const release = currentRelease(ctx);
    const host = ctx.adapters.dagHost(env);
    const keep = environmentOf({ config: ctx.config, env }).airflowHost.keep ?? 5;
    if ((await host.currentDigest()) === release.dags.bundleDigest) {
      return { status: 'unchanged', summary: `${host.describe()} already runs bundle ${shortDigest(release.dags.bundleDigest)}` };
    }
    const bundle = await ctx.adapters.bundles.fetch({ digest: release.dags.bundleDigest });
    const r = await host.deploy({ bundle, keep });
    return { status: r.status, summary: r.summary, details: r.details };
  },
};

export const pointerStep = (action: 'deploy' | 'promote' | 'rollback'): Step => ({
  name: 'pointer',
  async plan(ctx) {
    return [{ action: 'move', target: `${targetEnv(ctx)} pointer`, detail: `→ ${ctx.state.release?.id ?? '(release from build)'}` }];
  },
  async run(ctx) {
    const env = targetEnv(ctx);
    const release = currentRelease(ctx);
    const current = await ctx.adapters.pointers.current(env);
    if (current?.releaseId === release.id) return { status: 'unchanged', summary: `${env} already on ${release.id}` };
    const override = (ctx.state.facts.gate as { override?: { by: string; reason: string } } | undefined)?.override;
    const note = override ? `gate overridden by ${override.by}: ${override.reason}` : undefined;
    const move = await ctx.adapters.pointers.move({ env, releaseId: release.id, by: ctx.actor, action, runId: ctx.runId, note });
    return { status: 'changed', summary: `${env}: ${move.previousReleaseId ?? 'nothing'} → ${release.id} (version ${move.version})` };
  },
});
