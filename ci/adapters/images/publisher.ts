/**
 * The image publisher, written once over an image store: find or build the runtime image, append
 * the dbt project as one deterministic layer with a new config and manifest, push only missing
 * blobs, and tag the result with the release id. Environment tags move by re-tagging a digest
 * that is already there; nothing is rebuilt.
 */
import { createReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { shortDigest } from '../../core/release.js';
import { appendLayer } from '../../core/image/assemble.js';
import { runtimeInputsDigest, runtimeTagFor } from '../../core/image/runtime-inputs.js';
import type { Platform } from '../../core/image/types.js';
import type { ImageBuildResult, ImagePublisher, LayerChange } from '../types.js';
import type { BuilderChoice } from '../builder/detect.js';
import { dbtProjectLayer, readRuntimeInputs } from './code-layer.js';
import { ensureRuntime } from './runtime.js';
import { ensureBlob, type ImageStore } from './store.js';

/** A registry's own control plane for tags (ECR), used instead of manifest PUTs when present. */
export interface ImageControl {
  ensureRepository(): Promise<LayerChange>;
  retag(opts: { digest: string; tag: string }): Promise<LayerChange>;
  resolve(opts: { tag: string }): Promise<string | null>;
}

export interface PublisherOptions {
  description: string;
  repository: string;
  /** Where code images (and by default runtime images) go. */
  store: ImageStore;
  /** Where `runtime-<hash>` images live, when not in `store` (blobs are then mounted or copied). */
  runtimeStore?: ImageStore;
  chooseBuilder: () => Promise<BuilderChoice>;
  /** Repository root: runtime input paths are relative to it. */
  cwd: string;
  /** Scratch space and the local cache of runtime builds. */
  cacheDir: string;
  /** The runtime Dockerfile; default: the runtime input named `Dockerfile`. */
  dockerfile?: string;
  /** Build context; default: the Dockerfile's directory. */
  contextDir?: string;
  logger: Logger;
  platform?: Platform;
  control?: ImageControl;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

function isImmutableTagError(err: unknown): boolean {
  return err instanceof DataShipError && /TAG_INVALID|immutable|already exists/i.test(err.message);
}

export function createStoreImagePublisher(opts: PublisherOptions): ImagePublisher {
  const { store, logger } = opts;
  const runtimeStore = opts.runtimeStore ?? store;

  const dockerfileFor = (inputs: string[]): string => {
    const named = opts.dockerfile ?? inputs.find((p) => /(^|\/)(Dockerfile|Containerfile)[^/]*$/.test(p));
    if (!named) throw new DataShipError({ code: 'ECONFIG', message: 'no Dockerfile among the runtime image inputs', hint: 'set image.dockerfile in dataship.yml' });
    return resolve(opts.cwd, named);
  };

  return {
    describe: () => opts.description,

    async build({ dbtDir, runtimeInputs, labels, releaseId }): Promise<ImageBuildResult> {
      const started = Date.now();
      if (opts.control) await opts.control.ensureRepository();
      const dockerfile = dockerfileFor(runtimeInputs);
      const inputs = [...new Set([...runtimeInputs, ...(opts.dockerfile ? [opts.dockerfile] : [])].map((p) => resolve(opts.cwd, p)))];
      const inputsDigest = runtimeInputsDigest({ files: await readRuntimeInputs({ cwd: opts.cwd, paths: inputs }) });
      const runtimeTag = runtimeTagFor({ inputsDigest });

      // The runtime lookup (or build) and the code layer do not depend on each other.
      let layerMs = 0;
      const [runtimeSettled, layerSettled] = await Promise.allSettled([
        ensureRuntime({
          store: runtimeStore,
          tag: runtimeTag,
          chooseBuilder: opts.chooseBuilder,
          dockerfile,
          contextDir: opts.contextDir ? resolve(opts.cwd, opts.contextDir) : dirname(dockerfile),
          cacheDir: opts.cacheDir,
          logger,
          platform: opts.platform,
        }),
        dbtProjectLayer({ dir: resolve(opts.cwd, dbtDir), tmpDir: join(opts.cacheDir, 'tmp') }).finally(() => (layerMs = Date.now() - started)),
      ]);
      if (runtimeSettled.status === 'rejected') {
        if (layerSettled.status === 'fulfilled') await layerSettled.value.cleanup();
        throw runtimeSettled.reason;
      }
      if (layerSettled.status === 'rejected') throw layerSettled.reason;
      const runtime = runtimeSettled.value;
      const layer = layerSettled.value;
      const report = runtime.report;
      const readyMs = Date.now() - started;
      try {
        const image = appendLayer({
          base: runtime.base,
          layer,
          labels: { ...labels, 'dev.dataship.release': releaseId, 'dev.dataship.runtime-tag': runtimeTag },
          createdBy: `dataship: dbt project ${basename(resolve(opts.cwd, dbtDir))} -> /app/dbt`,
          platform: opts.platform,
        });
        if (runtime.base && runtimeStore !== store) {
          for (const d of [...runtime.base.manifest.layers]) {
            await ensureBlob({ from: runtimeStore, to: store, blob: { digest: d.digest, size: d.size, open: () => runtimeStore.getBlob(d.digest) }, report });
          }
        }
        // Code layer, config and the release tag's current value: independent requests, in parallel.
        const [existing] = await Promise.all([
          store.resolveTag(releaseId),
          ensureBlob({ to: store, blob: { digest: layer.digest, size: layer.size, open: () => createReadStream(layer.path) }, report, label: 'push code layer' }),
          ensureBlob({ to: store, blob: { digest: image.configDescriptor.digest, size: image.config.length, open: () => Readable.from([image.config]) }, report, label: 'push config' }),
        ]);
        let digest = image.manifestDigest;
        let status: 'changed' | 'unchanged' = 'unchanged';
        let reused = false;
        if (existing !== digest) {
          try {
            await store.putManifest({ ref: releaseId, bytes: image.manifest, mediaType: image.mediaType });
            status = 'changed';
          } catch (err) {
            if (!existing || !isImmutableTagError(err)) throw err;
            logger.warn(`release tag ${releaseId} is immutable and already names ${shortDigest(existing)}; keeping it (this build gave ${shortDigest(digest)})`);
            digest = existing;
            reused = true;
          }
        }
        const runtimeSummary =
          runtime.status === 'absent' ? runtime.reason! : runtime.status === 'built' ? `runtime ${runtimeTag} built with ${runtime.builder}` : `runtime ${runtimeTag} reused`;
        const summary = `code image ${shortDigest(digest)} (${runtimeSummary}; ${report.uploaded.length} blob(s), ${formatBytes(report.bytes)} uploaded)`;
        logger.info(summary);
        return {
          repository: opts.repository,
          digest,
          runtimeDigest: runtime.digest,
          runtimeTag,
          status,
          summary,
          bytesUploaded: report.bytes,
          details: {
            store: store.describe(),
            runtime: { status: runtime.status, tag: runtimeTag, digest: runtime.digest, builder: runtime.builder, reason: runtime.reason, inputsDigest },
            codeLayer: { digest: layer.digest, diffId: layer.diffId, size: layer.size, files: layer.files },
            manifestMediaType: image.mediaType,
            uploaded: report.uploaded,
            skipped: report.skipped,
            mounted: report.mounted,
            ...(reused ? { reusedExisting: true, builtDigest: image.manifestDigest } : {}),
            timings: { layerMs, runtimeAndLayerMs: readyMs, pushMs: Date.now() - started - readyMs, totalMs: Date.now() - started },
          },
        };
      } finally {
        await layer.cleanup();
      }
    },

    async tag({ digest, tag }): Promise<LayerChange> {
      if (opts.control) return opts.control.retag({ digest, tag });
      const rec = await store.getManifest(digest);
      if (!rec) {
        throw new DataShipError({
          code: 'EDIGEST',
          message: `image ${digest} is not in ${store.describe()}; tag ${tag} was not moved`,
          operation: `tag ${tag} -> ${digest}`,
          hint: 'promote only a digest that a build pushed to this registry (see the release record)',
        });
      }
      const current = await store.resolveTag(tag);
      if (current === digest) return { status: 'unchanged', summary: `${tag} already at ${shortDigest(digest)}` };
      await store.putManifest({ ref: tag, bytes: rec.bytes, mediaType: rec.mediaType });
      return { status: 'changed', summary: `${tag} -> ${shortDigest(digest)}${current ? ` (was ${shortDigest(current)})` : ''}`, details: { previous: current } };
    },

    async resolve({ tag }) {
      if (opts.control) return opts.control.resolve({ tag });
      return store.resolveTag(tag);
    },
  };
}
