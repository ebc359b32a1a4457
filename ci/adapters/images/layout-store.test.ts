import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../core/image/digest.js';
import { MEDIA_TYPES } from '../../core/image/types.js';
import { createLayoutStore } from './layout-store.js';
import { copyImage, readBlobBytes } from './store.js';

const root = mkdtempSync(join(tmpdir(), 'layout-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const logger = { debug() {}, info() {}, warn() {}, error() {}, group: <T>(_t: string, fn: () => Promise<T>) => fn(), progress() {} };

async function seed(dir: string) {
  const store = createLayoutStore({ dir });
  const layer = Buffer.from('layer-bytes');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest('x')] } }));
  for (const b of [layer, config]) await store.putBlob({ digest: sha256Digest(b), size: b.length, open: () => Readable.from([b]) });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: sha256Digest(layer), size: layer.length }],
    }),
  );
  const digest = await store.putManifest({ ref: 'v1', bytes: manifest, mediaType: MEDIA_TYPES.ociManifest });
  return { store, digest, manifest, layer };
}

describe('OCI layout store', () => {
  it('writes oci-layout, blobs by digest and tags as ref.name annotations in index.json', async () => {
    const dir = join(root, 'a');
    const { store, digest, manifest } = await seed(dir);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([{ mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }]);
    expect(await store.resolveTag('v1')).toBe(digest);
    expect((await store.getManifest(digest))?.bytes.equals(manifest)).toBe(true);
    expect(await store.getManifest('nope')).toBeNull();
    // Moving a tag replaces its entry; other tags stay.
    await store.putManifest({ ref: 'v2', bytes: manifest, mediaType: MEDIA_TYPES.ociManifest });
    await store.putManifest({ ref: 'v1', bytes: manifest, mediaType: MEDIA_TYPES.ociManifest });
    expect((await store.listTags()).sort()).toEqual(['v1', 'v2']);
  });

  it('refuses a blob whose bytes do not match its digest, leaving nothing behind', async () => {
    const store = createLayoutStore({ dir: join(root, 'b') });
    const digest = sha256Digest('expected');
    await expect(store.putBlob({ digest, size: 8, open: () => Readable.from([Buffer.from('tampered')]) })).rejects.toMatchObject({ code: 'EREGISTRY' });
    expect(await store.hasBlob(digest)).toBe(false);
  });

  it('detects a corrupt manifest blob', async () => {
    const dir = join(root, 'c');
    const { store, digest } = await seed(dir);
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), '{}');
    await expect(store.getManifest('v1')).rejects.toMatchObject({ code: 'EREGISTRY' });
  });

  it('copies an image to another layout, then copies nothing the second time', async () => {
    const { store, digest, layer } = await seed(join(root, 'd'));
    const to = createLayoutStore({ dir: join(root, 'e') });
    const first = await copyImage({ from: store, to, ref: 'v1', tag: 'copied', logger });
    expect(first.digest).toBe(digest);
    expect(first.report.uploaded).toHaveLength(2);
    expect((await readBlobBytes({ store: to, digest: sha256Digest(layer) })).equals(layer)).toBe(true);
    const second = await copyImage({ from: store, to, ref: 'v1', tag: 'copied', logger });
    expect(second.report.uploaded).toHaveLength(0);
    expect(second.report.skipped).toHaveLength(2);
    expect(await to.resolveTag('copied')).toBe(digest);
  });
});
