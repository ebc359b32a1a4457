/**
 * The runtime image (Python, dbt, adapters): found under `runtime-<hash of its inputs>` in the
 * store, or built with the container builder when that tag is missing and pushed (only missing
 * blobs). A build is kept as an OCI layout in the cache, so an interrupted push resumes without
 * rebuilding. With no builder the caller gets `null` and the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { isIndexMediaType, selectPlatformManifest } from '../../core/image/assemble.js';
import type { ImageConfig, ImageIndex, ImageManifest, Platform } from '../../core/image/types.js';
import type { BuilderChoice } from '../builder/detect.js';
import { createLayoutStore } from './layout-store.js';
import { copyImage, emptyReport, readBlobBytes, type ImageStore, type TransferReport } from './store.js';

export interface RuntimeImage {
  status: 'found' | 'built' | 'absent';
  tag: string;
  /** Digest the runtime tag resolves to (null when absent). */
  digest: string | null;
  /** The single-platform manifest and config to append to (null when absent). */
  base: { manifest: ImageManifest; config: ImageConfig } | null;
  builder?: string;
  reason?: string;
  report: TransferReport;
}

/** Loads a tag's manifest and config, choosing the platform's manifest from an index. */
export async function loadImage(opts: { store: ImageStore; ref: string; platform?: Platform }): Promise<{ digest: string; manifest: ImageManifest; config: ImageConfig } | null> {
  const rec = await opts.store.getManifest(opts.ref);
  if (!rec) return null;
  let manifestRec = rec;
  if (isIndexMediaType(rec.mediaType)) {
    const index = JSON.parse(rec.bytes.toString('utf8')) as ImageIndex;
    const desc = selectPlatformManifest({ index, platform: opts.platform });
    const child = desc && (await opts.store.getManifest(desc.digest));
    if (!child) throw new DataShipError({ code: 'EREGISTRY', message: `image ${opts.ref} in ${opts.store.describe()} has no manifest for ${opts.platform?.os ?? 'linux'}/${opts.platform?.architecture ?? 'amd64'}` });
    manifestRec = child;
  }
  const manifest = JSON.parse(manifestRec.bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse((await readBlobBytes({ store: opts.store, digest: manifest.config.digest })).toString('utf8')) as ImageConfig;
  return { digest: rec.digest, manifest, config };
}

/** Local runtime builds kept in the cache (newest first); older ones are removed. */
export const KEEP_LOCAL_RUNTIME_BUILDS = 3;

async function pruneLocalBuilds(opts: { dir: string; keep: number }): Promise<void> {
  const names = (await readdir(opts.dir).catch(() => [] as string[])).filter((n) => n.startsWith('runtime-') && !n.includes('.partial-'));
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(opts.dir, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(opts.keep)) await rm(join(opts.dir, n), { recursive: true, force: true });
}

export async function ensureRuntime(opts: {
  store: ImageStore;
  tag: string;
  chooseBuilder: () => Promise<BuilderChoice>;
  dockerfile: string;
  contextDir: string;
  cacheDir: string;
  logger: Logger;
  platform?: Platform;
  buildArgs?: Record<string, string>;
}): Promise<RuntimeImage> {
  const report = emptyReport();
  const found = await loadImage({ store: opts.store, ref: opts.tag, platform: opts.platform });
  if (found) return { status: 'found', tag: opts.tag, digest: found.digest, base: { manifest: found.manifest, config: found.config }, report };

  const choice = await opts.chooseBuilder();
  if (!choice.builder) {
    opts.logger.warn(choice.reason);
    return { status: 'absent', tag: opts.tag, digest: null, base: null, reason: choice.reason, report };
  }
  const { builder } = choice;
  const staging = join(opts.cacheDir, 'runtime', opts.tag);
  const cached = createLayoutStore({ dir: staging });
  if (await cached.resolveTag(opts.tag)) {
    opts.logger.info(`runtime image ${opts.tag}: using the local build in ${staging}`);
  } else {
    opts.logger.info(`runtime image ${opts.tag} is missing from ${opts.store.describe()}: building ${opts.dockerfile} with ${builder.describe()}`);
    const partial = `${staging}.partial-${randomBytes(4).toString('hex')}`;
    await mkdir(join(opts.cacheDir, 'runtime'), { recursive: true });
    try {
      await builder.build({ dockerfile: opts.dockerfile, contextDir: opts.contextDir, tag: opts.tag, outputDir: partial, logger: opts.logger, buildArgs: opts.buildArgs });
      await rm(staging, { recursive: true, force: true });
      await rename(partial, staging);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    await pruneLocalBuilds({ dir: join(opts.cacheDir, 'runtime'), keep: KEEP_LOCAL_RUNTIME_BUILDS });
  }
  await copyImage({ from: cached, to: opts.store, ref: opts.tag, tag: opts.tag, logger: opts.logger, report });
  const built = await loadImage({ store: opts.store, ref: opts.tag, platform: opts.platform });
  if (!built) throw new DataShipError({ code: 'EREGISTRY', message: `runtime image ${opts.tag} was pushed but ${opts.store.describe()} does not resolve it` });
  return { status: 'built', tag: opts.tag, digest: built.digest, base: { manifest: built.manifest, config: built.config }, builder: builder.name, report };
}
