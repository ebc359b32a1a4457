/**
 * DAG bundles in S3 beside the release records (`bundles/<digest>.tar.gz` and its manifest), so a
 * release built on one CI agent can be deployed, promoted or rolled back from another. Fetching
 * downloads into the local bundle folder and checks the manifest against the digest.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, writeFile, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataShipError } from '../../core/errors.js';
import type { BundleStore, DagManifest } from '../types.js';
import { awsError, clientConfig, type AwsClientOptions } from './aws-errors.js';

export async function createS3BundleStore(opts: AwsClientOptions & { bucket: string; prefix?: string; localDir: string }): Promise<BundleStore> {
  const [s3, { bundleFiles, bundleDigest }] = await Promise.all([import('@aws-sdk/client-s3'), import('../../core/dag-bundle/index.js')]);
  const client = new s3.S3Client({ ...clientConfig(opts), forcePathStyle: Boolean(opts.endpoint) });
  const prefix = (opts.prefix ?? 'bundles').replace(/\/$/, '');
  const keys = (digest: string) => ({ tar: `${prefix}/${digest}.tar.gz`, manifest: `${prefix}/${digest}.manifest.json` });
  const exists = async (key: string) => {
    try {
      await client.send(new s3.HeadObjectCommand({ Bucket: opts.bucket, Key: key }));
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return false;
      throw awsError({ err, operation: `s3:HeadObject s3://${opts.bucket}/${key}` });
    }
  };
  return {
    describe: () => `s3://${opts.bucket}/${prefix}/`,
    async publish({ bundle }) {
      const k = keys(bundle.digest);
      // The manifest goes last: its presence means the bundle is complete.
      if (await exists(k.manifest)) return 'present';
      try {
        await client.send(new s3.PutObjectCommand({ Bucket: opts.bucket, Key: k.tar, Body: await readFile(bundle.tarballPath), ContentType: 'application/gzip' }));
        await client.send(new s3.PutObjectCommand({ Bucket: opts.bucket, Key: k.manifest, Body: JSON.stringify(bundle.manifest), ContentType: 'application/json' }));
      } catch (err) {
        throw awsError({ err, operation: `s3:PutObject s3://${opts.bucket}/${k.tar}` });
      }
      return 'stored';
    },
    async fetch({ digest }) {
      const local = bundleFiles({ dir: opts.localDir, digest });
      const have = await Promise.all([stat(local.tarballPath), stat(local.manifestPath)]).then(() => true, () => false);
      if (!have) {
        const k = keys(digest);
        await mkdir(opts.localDir, { recursive: true });
        try {
          const m = await client.send(new s3.GetObjectCommand({ Bucket: opts.bucket, Key: k.manifest }));
          const manifestText = await m.Body!.transformToString();
          const t = await client.send(new s3.GetObjectCommand({ Bucket: opts.bucket, Key: k.tar }));
          const tmp = `${local.tarballPath}.${process.pid}.part`;
          await pipeline(t.Body as Readable, createWriteStream(tmp));
          await rename(tmp, local.tarballPath);
          await writeFile(local.manifestPath, manifestText);
        } catch (err) {
          const name = (err as { name?: string }).name;
          if (name === 'NoSuchKey') {
            throw new DataShipError({ code: 'ENOTFOUND', message: `DAG bundle ${digest} is not in s3://${opts.bucket}/${prefix}/`, hint: 'rebuild the release with `dataship build` on its commit' });
          }
          throw awsError({ err, operation: `s3:GetObject s3://${opts.bucket}/${k.tar}` });
        }
      }
      const manifest = JSON.parse(await readFile(local.manifestPath, 'utf8')) as DagManifest;
      if (bundleDigest(manifest) !== digest) {
        throw new DataShipError({ code: 'EDIGEST', message: `DAG bundle manifest does not match its digest ${digest}`, hint: 'the stored bundle was altered; rebuild the release' });
      }
      return { digest, manifest, tarballPath: local.tarballPath };
    },
  };
}
