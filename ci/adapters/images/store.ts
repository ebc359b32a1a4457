/**
 * One interface over where images live — an OCI image-layout directory or a repository in a
 * registry — so the code-layer assembly and copying are written once.
 */
import type { Readable } from 'node:stream';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { isIndexMediaType } from '../../core/image/assemble.js';
import type { Descriptor, ImageIndex, ImageManifest, ManifestRecord } from '../../core/image/types.js';

export interface BlobSource {
  digest: string;
  size: number;
  /** Opens the content; called again on each retry. */
  open: () => Promise<Readable> | Readable;
}

export interface ImageStore {
  describe(): string;
  /** Identifies a registry repository for cross-repository mounts: `{host, repository}`; null for layouts. */
  mountKey(): { host: string; repository: string } | null;
  hasBlob(digest: string): Promise<boolean>;
  /** Stores a blob (the caller checks `hasBlob` first). Returns the bytes sent. */
  putBlob(blob: BlobSource & { label?: string; mountFrom?: string }): Promise<{ bytes: number; mounted: boolean }>;
  getBlob(digest: string): Promise<Readable>;
  /** By tag or digest; null when absent. */
  getManifest(ref: string): Promise<ManifestRecord | null>;
  /** Stores manifest bytes as they are; with a tag reference the tag points at them. Returns the digest. */
  putManifest(opts: { ref: string; bytes: Buffer; mediaType: string }): Promise<string>;
  resolveTag(tag: string): Promise<string | null>;
  listTags(): Promise<string[]>;
}

export async function readBlobBytes(opts: { store: ImageStore; digest: string }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await opts.store.getBlob(opts.digest)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface TransferReport {
  bytes: number;
  uploaded: string[];
  skipped: string[];
  mounted: string[];
}

export function emptyReport(): TransferReport {
  return { bytes: 0, uploaded: [], skipped: [], mounted: [] };
}

/** Puts one blob into `to` unless it is already there; mounts it when both are repositories of one registry. */
export async function ensureBlob(opts: { to: ImageStore; blob: BlobSource; from?: ImageStore; label?: string; report: TransferReport }): Promise<void> {
  const { to, blob, report } = opts;
  if (await to.hasBlob(blob.digest)) {
    report.skipped.push(blob.digest);
    return;
  }
  const src = opts.from?.mountKey();
  const dst = to.mountKey();
  const mountFrom = src && dst && src.host === dst.host && src.repository !== dst.repository ? src.repository : undefined;
  const res = await to.putBlob({ ...blob, label: opts.label, mountFrom });
  report.bytes += res.bytes;
  (res.mounted ? report.mounted : report.uploaded).push(blob.digest);
}

function parseJson<T>(m: ManifestRecord): T {
  return JSON.parse(m.bytes.toString('utf8')) as T;
}

/**
 * Copies an image (a manifest, or an index and its manifests) from one store to another, blobs
 * first, pushing only the blobs the target lacks, then the manifest under `tag`.
 */
export async function copyImage(opts: { from: ImageStore; to: ImageStore; ref: string; tag?: string; logger: Logger; report?: TransferReport }): Promise<{ digest: string; report: TransferReport }> {
  const report = opts.report ?? emptyReport();
  const m = await opts.from.getManifest(opts.ref);
  if (!m) throw new DataShipError({ code: 'EREGISTRY', message: `image ${opts.ref} not found in ${opts.from.describe()}` });
  const copyManifest = async (rec: ManifestRecord, ref: string): Promise<void> => {
    if (isIndexMediaType(rec.mediaType)) {
      for (const d of parseJson<ImageIndex>(rec).manifests) {
        const child = await opts.from.getManifest(d.digest);
        if (!child) throw new DataShipError({ code: 'EREGISTRY', message: `manifest ${d.digest} listed in ${ref} is missing from ${opts.from.describe()}` });
        await copyManifest(child, d.digest);
      }
    } else {
      const manifest = parseJson<ImageManifest>(rec);
      const blobs: Descriptor[] = [manifest.config, ...manifest.layers];
      for (const d of blobs) {
        await ensureBlob({ from: opts.from, to: opts.to, blob: { digest: d.digest, size: d.size, open: () => opts.from.getBlob(d.digest) }, report, label: `push ${d.digest.slice(7, 19)}` });
      }
    }
    await opts.to.putManifest({ ref, bytes: rec.bytes, mediaType: rec.mediaType });
  };
  await copyManifest(m, opts.tag ?? m.digest);
  opts.logger.debug(`copied ${opts.ref} to ${opts.to.describe()}: ${report.uploaded.length} uploaded, ${report.skipped.length} present, ${report.mounted.length} mounted`);
  return { digest: m.digest, report };
}
