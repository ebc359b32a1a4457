/**
 * Appending the code layer to a base (runtime) image: a new config (diff_ids, history, labels) and
 * a new manifest, serialised deterministically so the same inputs give the same digest. Pure.
 */
import { sha256Digest } from './digest.js';
import {
  INDEX_MEDIA_TYPES,
  MEDIA_TYPES,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type LayerInfo,
  type Platform,
} from './types.js';

/** `created` of images that have no base to copy it from. */
export const EPOCH = '1970-01-01T00:00:00Z';

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** The config of an empty image (no layers), for a code image without a runtime image. */
export function scratchConfig(opts: { platform?: Platform } = {}): ImageConfig {
  const p = opts.platform ?? DEFAULT_PLATFORM;
  return {
    created: EPOCH,
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** An empty OCI manifest to append to, paired with `scratchConfig`. */
export function scratchManifest(): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: '', size: 0 },
    layers: [],
  };
}

export function isDockerManifest(m: { mediaType?: string; config?: Descriptor }): boolean {
  return m.mediaType === MEDIA_TYPES.dockerManifest || m.config?.mediaType === MEDIA_TYPES.dockerConfig;
}

/** The media type of manifest bytes, from the `mediaType` field or the shape of the document. */
export function manifestMediaType(opts: { bytes: Buffer | string; fallback?: string }): string {
  const doc = JSON.parse(opts.bytes.toString()) as { mediaType?: string; manifests?: unknown; config?: Descriptor };
  if (doc.mediaType) return doc.mediaType;
  if (opts.fallback && opts.fallback !== 'application/json' && !opts.fallback.startsWith('text/')) return opts.fallback;
  if (Array.isArray(doc.manifests)) return MEDIA_TYPES.ociIndex;
  return doc.config?.mediaType === MEDIA_TYPES.dockerConfig ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest;
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.includes(mediaType);
}

/** Picks the manifest for a platform from an index, or null. */
export function selectPlatformManifest(opts: { index: ImageIndex; platform?: Platform }): Descriptor | null {
  const p = opts.platform ?? DEFAULT_PLATFORM;
  const matches = opts.index.manifests.filter(
    (d) => d.platform && d.platform.os === p.os && d.platform.architecture === p.architecture && (!p.variant || d.platform.variant === p.variant),
  );
  if (matches.length) return matches[0];
  const untagged = opts.index.manifests.filter((d) => !d.platform && !isIndexMediaType(d.mediaType));
  return untagged.length === 1 ? untagged[0] : null;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface AssembledImage {
  config: Buffer;
  configDescriptor: Descriptor;
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
  layerDescriptor: Descriptor;
}

/**
 * Appends one layer to a base image. The config keeps the base's `created` (or the epoch), adds
 * the layer's diff_id, a history entry and the labels (sorted); the manifest keeps the base's
 * media-type family (Docker v2 or OCI).
 */
export function appendLayer(opts: {
  base: { manifest: ImageManifest; config: ImageConfig } | null;
  layer: LayerInfo;
  labels: Record<string, string>;
  createdBy: string;
  platform?: Platform;
}): AssembledImage {
  const baseManifest = opts.base?.manifest ?? scratchManifest();
  const baseConfig: ImageConfig = opts.base ? (JSON.parse(JSON.stringify(opts.base.config)) as ImageConfig) : scratchConfig({ platform: opts.platform });
  const docker = isDockerManifest(baseManifest);
  if (baseConfig.rootfs?.diff_ids?.length !== baseManifest.layers.length) {
    throw new Error(`base image config lists ${baseConfig.rootfs?.diff_ids?.length ?? 0} diff_ids for ${baseManifest.layers.length} layers`);
  }
  const created = baseConfig.created ?? EPOCH;
  const inner = { ...(baseConfig.config ?? {}) };
  inner.Labels = sortedRecord({ ...(inner.Labels ?? {}), ...opts.labels });
  const config: ImageConfig = { ...baseConfig, config: inner, rootfs: { type: 'layers', diff_ids: [...baseConfig.rootfs.diff_ids, opts.layer.diffId] } };
  const layersInHistory = (baseConfig.history ?? []).filter((h) => !h.empty_layer).length;
  if (baseConfig.history && layersInHistory === baseManifest.layers.length) {
    config.history = [...baseConfig.history, { created, created_by: opts.createdBy, comment: 'dataship code layer' }];
  }
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor: Descriptor = {
    mediaType: docker ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.length,
  };
  const layerDescriptor: Descriptor = {
    mediaType: docker ? MEDIA_TYPES.dockerLayerGzip : MEDIA_TYPES.ociLayerGzip,
    digest: opts.layer.digest,
    size: opts.layer.size,
  };
  const mediaType = docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest;
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: configDescriptor,
    layers: [...baseManifest.layers.map((l) => ({ ...l })), layerDescriptor],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { config: configBytes, configDescriptor, manifest: manifestBytes, manifestDigest: sha256Digest(manifestBytes), mediaType, layerDescriptor };
}
