import { describe, expect, it } from 'vitest';
import { appendLayer, manifestMediaType, scratchConfig, selectPlatformManifest, EPOCH } from './assemble.js';
import { sha256Digest } from './digest.js';
import { MEDIA_TYPES, type ImageConfig, type ImageManifest } from './types.js';

const layer = { digest: sha256Digest('layer'), diffId: sha256Digest('tar'), size: 123 };
const baseConfig: ImageConfig = {
  created: '2024-05-01T10:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  config: { Env: ['PATH=/bin'], Labels: { 'z.base': '1', 'a.base': '2' } },
  rootfs: { type: 'layers', diff_ids: [sha256Digest('base-tar')] },
  history: [{ created: '2024-05-01T10:00:00Z', created_by: 'COPY busybox' }, { created_by: 'ENV PATH', empty_layer: true }],
};
const base = (mediaType: string, configType: string, layerType: string): ImageManifest => ({
  schemaVersion: 2,
  mediaType,
  config: { mediaType: configType, digest: sha256Digest('cfg'), size: 10 },
  layers: [{ mediaType: layerType, digest: sha256Digest('base-layer'), size: 99 }],
});
const oci = base(MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociConfig, MEDIA_TYPES.ociLayerGzip);

describe('appendLayer', () => {
  it('appends the layer, its diff_id, a history entry and sorted labels, keeping the base created time', () => {
    const out = appendLayer({ base: { manifest: oci, config: baseConfig }, layer, labels: { 'org.opencontainers.image.revision': 'abc', 'a.base': 'override' }, createdBy: 'dataship' });
    const cfg = JSON.parse(out.config.toString()) as ImageConfig;
    expect(cfg.created).toBe('2024-05-01T10:00:00Z');
    expect(cfg.rootfs.diff_ids).toEqual([...baseConfig.rootfs.diff_ids, layer.diffId]);
    expect(Object.keys(cfg.config!.Labels!)).toEqual(['a.base', 'org.opencontainers.image.revision', 'z.base']);
    expect(cfg.config!.Labels!['a.base']).toBe('override');
    expect(cfg.config!.Env).toEqual(['PATH=/bin']);
    expect(cfg.history).toHaveLength(3);
    expect(cfg.history![2]).toMatchObject({ created: '2024-05-01T10:00:00Z', created_by: 'dataship' });
    const m = JSON.parse(out.manifest.toString()) as ImageManifest;
    expect(m.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(m.layers.map((l) => l.digest)).toEqual([oci.layers[0].digest, layer.digest]);
    expect(m.layers[1].mediaType).toBe(MEDIA_TYPES.ociLayerGzip);
    expect(m.config).toEqual({ mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(out.config), size: out.config.length });
    expect(out.manifestDigest).toBe(sha256Digest(out.manifest));
    // The base is not modified.
    expect(baseConfig.rootfs.diff_ids).toHaveLength(1);
  });

  it('is byte-for-byte deterministic, whatever order the labels come in', () => {
    const a = appendLayer({ base: { manifest: oci, config: baseConfig }, layer, labels: { x: '1', y: '2' }, createdBy: 'd' });
    const b = appendLayer({ base: { manifest: oci, config: baseConfig }, layer, labels: { y: '2', x: '1' }, createdBy: 'd' });
    expect(b.manifest.equals(a.manifest)).toBe(true);
    expect(b.config.equals(a.config)).toBe(true);
  });

  it('keeps the Docker v2 family for a Docker base', () => {
    const docker = base(MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerConfig, MEDIA_TYPES.dockerLayerGzip);
    const out = appendLayer({ base: { manifest: docker, config: baseConfig }, layer, labels: {}, createdBy: 'd' });
    const m = JSON.parse(out.manifest.toString()) as ImageManifest;
    expect(out.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(m.config.mediaType).toBe(MEDIA_TYPES.dockerConfig);
    expect(m.layers[1].mediaType).toBe(MEDIA_TYPES.dockerLayerGzip);
  });

  it('makes a one-layer image on scratch with the epoch as created time', () => {
    const out = appendLayer({ base: null, layer, labels: { l: 'v' }, createdBy: 'd' });
    const cfg = JSON.parse(out.config.toString()) as ImageConfig;
    expect(cfg.created).toBe(EPOCH);
    expect(cfg).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(cfg.rootfs.diff_ids).toEqual([layer.diffId]);
    expect(cfg.history).toHaveLength(1);
    expect((JSON.parse(out.manifest.toString()) as ImageManifest).layers).toHaveLength(1);
    expect(scratchConfig({ platform: { os: 'linux', architecture: 'arm64' } }).architecture).toBe('arm64');
  });

  it('leaves history alone when the base history does not match its layers, and refuses an inconsistent base', () => {
    const odd = { ...baseConfig, history: [] };
    const out = appendLayer({ base: { manifest: oci, config: odd }, layer, labels: {}, createdBy: 'd' });
    expect((JSON.parse(out.config.toString()) as ImageConfig).history).toEqual([]);
    const broken = { ...baseConfig, rootfs: { type: 'layers' as const, diff_ids: [] } };
    expect(() => appendLayer({ base: { manifest: oci, config: broken }, layer, labels: {}, createdBy: 'd' })).toThrow(/diff_ids/);
  });
});

describe('manifests and indexes', () => {
  it('tells the media type from the document when the header does not', () => {
    expect(manifestMediaType({ bytes: JSON.stringify(oci) })).toBe(MEDIA_TYPES.ociManifest);
    expect(manifestMediaType({ bytes: JSON.stringify({ schemaVersion: 2, manifests: [] }) })).toBe(MEDIA_TYPES.ociIndex);
    expect(manifestMediaType({ bytes: JSON.stringify({ schemaVersion: 2, config: { mediaType: MEDIA_TYPES.dockerConfig } }) })).toBe(MEDIA_TYPES.dockerManifest);
    expect(manifestMediaType({ bytes: JSON.stringify({ schemaVersion: 2, config: {} }), fallback: MEDIA_TYPES.dockerManifest })).toBe(MEDIA_TYPES.dockerManifest);
  });
  it('selects the platform manifest from an index', () => {
    const d = (arch: string) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: sha256Digest(arch), size: 1, platform: { os: 'linux', architecture: arch } });
    const index = { schemaVersion: 2 as const, manifests: [d('arm64'), d('amd64')] };
    expect(selectPlatformManifest({ index })?.digest).toBe(sha256Digest('amd64'));
    expect(selectPlatformManifest({ index, platform: { os: 'linux', architecture: 'arm64' } })?.digest).toBe(sha256Digest('arm64'));
    expect(selectPlatformManifest({ index, platform: { os: 'linux', architecture: 's390x' } })).toBeNull();
  });
});
