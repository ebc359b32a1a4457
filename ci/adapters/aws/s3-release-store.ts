/**
 * Release records in S3: `releases/<id>.json` written once (never overwritten), and check
 * attestations beside it as `releases/<id>/checks/<key>.json`.
 */
import type { Release } from '../../core/release.js';
import type { ReleaseStore } from '../types.js';
import { awsError, clientConfig, type AwsClientOptions } from './aws-errors.js';

export async function createS3ReleaseStore(opts: AwsClientOptions & { bucket: string; prefix?: string }): Promise<ReleaseStore> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({ ...clientConfig(opts), forcePathStyle: Boolean(opts.endpoint) });
  const prefix = (opts.prefix ?? 'releases').replace(/\/$/, '');
  const key = (id: string) => `${prefix}/${id}.json`;
  const checkKey = (id: string, k: string) => `${prefix}/${id}/checks/${encodeURIComponent(k)}.json`;

  const getJson = async <T>(k: string): Promise<T | null> => {
    try {
      const out = await client.send(new s3.GetObjectCommand({ Bucket: opts.bucket, Key: k }));
      return JSON.parse(await out.Body!.transformToString()) as T;
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return null;
      throw awsError({ err, operation: `s3:GetObject s3://${opts.bucket}/${k}` });
    }
  };
  const putJson = async (k: string, value: unknown) => {
    try {
      await client.send(new s3.PutObjectCommand({ Bucket: opts.bucket, Key: k, Body: JSON.stringify(value, null, 2), ContentType: 'application/json' }));
    } catch (err) {
      throw awsError({ err, operation: `s3:PutObject s3://${opts.bucket}/${k}` });
    }
  };

  const store: ReleaseStore = {
    async get(id) {
      const release = await getJson<Release>(key(id));
      if (!release) return null;
      const checks: Release['checks'] = {};
      const listed = await client.send(new s3.ListObjectsV2Command({ Bucket: opts.bucket, Prefix: `${prefix}/${id}/checks/` }));
      for (const o of listed.Contents ?? []) {
        const k = decodeURIComponent(o.Key!.split('/').pop()!.replace(/\.json$/, ''));
        const c = await getJson<Release['checks'][string]>(o.Key!);
        if (c) checks[k] = c;
      }
      return { ...release, checks };
    },
    async put(release) {
      if (await getJson<Release>(key(release.id))) return false;
      await putJson(key(release.id), { ...release, checks: {} });
      return true;
    },
    async list() {
      const out = await client.send(new s3.ListObjectsV2Command({ Bucket: opts.bucket, Prefix: `${prefix}/`, Delimiter: '/' }));
      const ids = (out.Contents ?? []).map((o) => o.Key!.slice(prefix.length + 1).replace(/\.json$/, ''));
      const all = await Promise.all(ids.map((id) => store.get(id)));
      return all.filter((r): r is Release => r !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async addCheck({ releaseId, key: k, check }) {
      await putJson(checkKey(releaseId, k), check);
    },
  };
  return store;
}
