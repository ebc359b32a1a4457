/**
 * An OCI image-layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`) as an image store:
 * the embedded registry (`.dataship/registry`). Tags are `org.opencontainers.image.ref.name`
 * annotations in index.json, so skopeo, buildah and podman read it as `oci:<dir>:<tag>`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { digestHex, isDigest, sha256Digest } from '../../core/image/digest.js';
import { manifestMediaType } from '../../core/image/assemble.js';
import { MEDIA_TYPES, REF_NAME_ANNOTATION, type Descriptor, type ImageIndex } from '../../core/image/types.js';
import type { ImageStore } from './store.js';

export function createLayoutStore(opts: { dir: string; logger?: Logger }): ImageStore {
  const { dir } = opts;
  const blobPath = (digest: string) => join(dir, 'blobs', 'sha256', digestHex(digest));
  const indexPath = join(dir, 'index.json');
  let queue: Promise<unknown> = Promise.resolve();

  const readIndex = async (): Promise<ImageIndex> => {
    try {
      return JSON.parse(await readFile(indexPath, 'utf8')) as ImageIndex;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
      throw new DataShipError({ code: 'EREGISTRY', message: `cannot read ${indexPath}: ${(err as Error).message}`, cause: err });
    }
  };

  const init = async () => {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    const layoutFile = join(dir, 'oci-layout');
    try {
      await stat(layoutFile);
    } catch {
      await writeFile(layoutFile, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
  };

  const writeIndex = async (index: ImageIndex) => {
    const tmp = `${indexPath}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(index));
    await rename(tmp, indexPath);
  };

  /** Serialises index.json updates within this process. */
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const findTag = async (tag: string): Promise<Descriptor | undefined> =>
    (await readIndex()).manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);

  const store: ImageStore = {
    describe: () => `OCI layout ${dir}`,
    mountKey: () => null,
    async hasBlob(digest) {
      try {
        return (await stat(blobPath(digest))).isFile();
      } catch {
        return false;
      }
    },
    async putBlob({ digest, size, open, label }) {
      await init();
      const tmp = join(dir, 'blobs', 'sha256', `.tmp-${randomBytes(6).toString('hex')}`);
      const out = createWriteStream(tmp);
      const hash = createHash('sha256');
      let written = 0;
      try {
        for await (const chunk of await open()) {
          hash.update(chunk as Buffer);
          written += (chunk as Buffer).length;
          if (!out.write(chunk)) await once(out, 'drain');
          opts.logger?.progress(label ?? `write ${digest.slice(7, 19)}`, written, size);
        }
        out.end();
        await once(out, 'finish');
        const got = `sha256:${hash.digest('hex')}`;
        if (got !== digest || written !== size) {
          throw new DataShipError({ code: 'EREGISTRY', message: `blob ${digest} (${size} bytes) arrived as ${got} (${written} bytes)` });
        }
        await rename(tmp, blobPath(digest));
      } catch (err) {
        out.destroy();
        await rm(tmp, { force: true });
        throw err;
      }
      return { bytes: written, mounted: false };
    },
    async getBlob(digest): Promise<Readable> {
      if (!(await store.hasBlob(digest))) throw new DataShipError({ code: 'EREGISTRY', message: `blob ${digest} is missing from ${dir}` });
      return createReadStream(blobPath(digest));
    },
    async getManifest(ref) {
      let desc: Descriptor | undefined;
      if (isDigest(ref)) desc = (await readIndex()).manifests.find((d) => d.digest === ref);
      else {
        desc = await findTag(ref);
        if (!desc) return null;
      }
      const digest = desc?.digest ?? ref;
      let bytes: Buffer;
      try {
        bytes = await readFile(blobPath(digest));
      } catch {
        if (desc) throw new DataShipError({ code: 'EREGISTRY', message: `index.json names ${digest} but the blob is missing from ${dir}` });
        return null;
      }
      if (sha256Digest(bytes) !== digest) throw new DataShipError({ code: 'EREGISTRY', message: `blob ${digest} in ${dir} is corrupt` });
      return { bytes, digest, mediaType: desc?.mediaType ?? manifestMediaType({ bytes }) };
    },
    async putManifest({ ref, bytes, mediaType }) {
      await init();
      const digest = sha256Digest(bytes);
      if (!(await store.hasBlob(digest))) {
        const tmp = `${blobPath(digest)}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(tmp, bytes);
        await rename(tmp, blobPath(digest));
      }
      if (isDigest(ref)) {
        if (ref !== digest) throw new DataShipError({ code: 'EREGISTRY', message: `manifest digest ${digest} does not match reference ${ref}` });
        return digest;
      }
      await locked(async () => {
        const index = await readIndex();
        const manifests = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] !== ref);
        manifests.push({ mediaType, digest, size: bytes.length, annotations: { [REF_NAME_ANNOTATION]: ref } });
        await writeIndex({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests });
      });
      return digest;
    },
    async resolveTag(tag) {
      return (await findTag(tag))?.digest ?? null;
    },
    async listTags() {
      return (await readIndex()).manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((t): t is string => Boolean(t));
    },
  };
  return store;
}
