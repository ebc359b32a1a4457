/**
 * A small client for the OCI distribution API (registry v2), on Node's fetch. Blob uploads are
 * monolithic (POST, then one PUT with the whole body streamed from a file; never chunked PATCH, which
 * ECR answers in ways that break clients), with cross-repository mount where the registry supports
 * it. Bodies stream in both directions; transient failures (429, 5xx, dropped connections) are
 * retried with backoff. No maintained npm client covered streaming monolithic upload plus ECR auth.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { sha256Digest, isDigest } from '../../core/image/digest.js';
import { manifestMediaType } from '../../core/image/assemble.js';
import { MANIFEST_MEDIA_TYPES, type ManifestRecord } from '../../core/image/types.js';
import { createRegistryAuth, type CredentialSource } from './auth.js';
import { verifying, withProgress } from './streams.js';
import { DEFAULT_RETRY, TransientError, isNetworkError, isRetryableStatus, parseRetryAfter, withRetry, type RetryPolicy } from './retry.js';

export interface RegistryClientOptions {
  /** `http://127.0.0.1:5000`, `https://<account>.dkr.ecr.<region>.amazonaws.com`, or a bare host (https). */
  url: string;
  credentials?: CredentialSource;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Called with every secret the client learns (passwords, tokens), for the redactor. */
  onSecret?: (value: string) => void;
  /** Timeout of requests without a large body. */
  timeoutMs?: number;
}

export interface UploadResult {
  bytes: number;
  mounted: boolean;
}

export interface RegistryClient {
  readonly url: string;
  /** The registry host (`host:port`), for display and for matching mount sources. */
  readonly host: string;
  ping(): Promise<void>;
  hasBlob(opts: { repository: string; digest: string }): Promise<boolean>;
  /** Monolithic upload, or a cross-repository mount when `mountFrom` is given and supported. */
  uploadBlob(opts: { repository: string; digest: string; size: number; open: () => Promise<Readable> | Readable; mountFrom?: string; label?: string }): Promise<UploadResult>;
  /** Streams a blob, verifying its digest as it is read. */
  getBlob(opts: { repository: string; digest: string }): Promise<Readable>;
  getManifest(opts: { repository: string; reference: string }): Promise<ManifestRecord | null>;
  putManifest(opts: { repository: string; reference: string; bytes: Buffer; mediaType: string }): Promise<string>;
  listTags(opts: { repository: string }): Promise<string[]>;
}

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function normaliseRegistryUrl(url: string): string {
  const withScheme = /^https?:\/\//.test(url) ? url : `https://${url}`;
  return withScheme.replace(/\/+$/, '');
}

interface SendOptions {
  method: string;
  url: string;
  scope: string;
  operation: string;
  expect: number[];
  headers?: Record<string, string>;
  body?: () => Promise<Readable | Buffer> | Readable | Buffer;
  /** No timeout (large streaming bodies). */
  long?: boolean;
}

/** Parses a registry error body (`{errors:[{code,message}]}`) into one line. */
function registryMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[] };
    if (body.errors?.length) return body.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    /* not JSON */
  }
  return `HTTP ${status}${text ? `: ${text.slice(0, 200).trim()}` : ''}`;
}

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const base = normaliseRegistryUrl(opts.url);
  const host = new URL(base).host;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const auth = createRegistryAuth({ credentials: opts.credentials, onSecret: opts.onSecret });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const { logger } = opts;

  const checkRepo = (repository: string) => {
    if (!REPO_RE.test(repository)) throw new DataShipError({ code: 'EINPUT', message: `invalid repository name: ${repository}`, hint: 'lower-case letters, digits and . _ - separated by /' });
  };
  const pushScope = (repository: string) => `repository:${repository}:pull,push`;
  const pullScope = (repository: string) => `repository:${repository}:pull`;

  async function send(o: SendOptions): Promise<Response> {
    let retried = false;
    for (;;) {
      const authorization = await auth.header(o.scope);
      const headers: Record<string, string> = { ...o.headers, ...(authorization ? { authorization } : {}) };
      const body = o.body ? await o.body() : undefined;
      let res: Response;
      try {
        res = await fetch(o.url, {
          method: o.method,
          headers,
          body: body as BodyInit | undefined,
          duplex: body ? 'half' : undefined,
          redirect: 'follow',
          signal: o.long ? undefined : AbortSignal.timeout(timeoutMs),
        } as RequestInit);
      } catch (err) {
        if (body instanceof Readable) body.destroy();
        if (isNetworkError(err) || (err as Error).name === 'TimeoutError') throw new TransientError(`${o.operation}: ${(err as Error).message}`, undefined, undefined, { cause: err });
        throw err;
      }
      // A registry may answer before reading the whole body (an early error): release the source.
      if (body instanceof Readable && !body.readableEnded) body.destroy();
      if (res.status === 401) {
        await res.body?.cancel().catch(() => undefined);
        if (await auth.challenge({ header: res.headers.get('www-authenticate'), scope: o.scope, retried })) {
          retried = true;
          continue;
        }
        throw new DataShipError({
          code: 'EREGISTRY',
          message: `registry refused the credentials (401) for ${o.operation}`,
          operation: o.operation,
          hint: 'check the registry credentials (for ECR: the AWS identity needs ecr:GetAuthorizationToken and push permissions)',
        });
      }
      if (o.expect.includes(res.status)) return res;
      const text = await res.text().catch(() => '');
      if (isRetryableStatus(res.status)) throw new TransientError(`${o.operation}: ${registryMessage(res.status, text)}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
      throw new DataShipError({ code: 'EREGISTRY', message: `${o.operation} failed: ${registryMessage(res.status, text)}`, operation: o.operation });
    }
  }

  /** Runs one operation with retries; a failure after the last retry becomes EREGISTRY. */
  async function op<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withRetry({
        policy,
        run,
        onRetry: ({ attempt, delayMs, error }) => logger.debug(`registry: ${(error as Error).message}; retry ${attempt}/${policy.retries} in ${delayMs} ms`),
      });
    } catch (err) {
      if (err instanceof DataShipError) throw err;
      throw new DataShipError({
        code: 'EREGISTRY',
        message: `${operation} failed after ${policy.retries + 1} attempts: ${(err as Error).message}`,
        operation,
        hint: `check that the registry at ${host} is reachable`,
        cause: err,
      });
    }
  }

  const drain = async (res: Response) => {
    await res.body?.cancel().catch(() => undefined);
  };

  const client: RegistryClient = {
    url: base,
    host,
    async ping() {
      await op(`GET ${host}/v2/`, async () => drain(await send({ method: 'GET', url: `${base}/v2/`, scope: '', operation: `GET ${host}/v2/`, expect: [200] })));
    },
    async hasBlob({ repository, digest }) {
      checkRepo(repository);
      const operation = `HEAD ${repository} blob ${digest}`;
      return op(operation, async () => {
        const res = await send({ method: 'HEAD', url: `${base}/v2/${repository}/blobs/${digest}`, scope: pullScope(repository), operation, expect: [200, 404] });
        await drain(res);
        return res.status === 200;
      });
    },
    async uploadBlob({ repository, digest, size, open, mountFrom, label }) {
      checkRepo(repository);
      if (!isDigest(digest)) throw new DataShipError({ code: 'EINPUT', message: `invalid digest: ${digest}` });
      const scope = mountFrom ? `${pushScope(repository)} ${pullScope(mountFrom)}` : pushScope(repository);
      const operation = `upload ${repository} blob ${digest}`;
      return op(operation, async () => {
        const start = new URL(`${base}/v2/${repository}/blobs/uploads/`);
        if (mountFrom) {
          start.searchParams.set('mount', digest);
          start.searchParams.set('from', mountFrom);
        }
        const posted = await send({ method: 'POST', url: start.href, scope, operation: `POST ${repository} upload`, expect: [201, 202], headers: { 'content-length': '0' } });
        await drain(posted);
        if (posted.status === 201) return { bytes: 0, mounted: true };
        const location = posted.headers.get('location');
        if (!location) throw new DataShipError({ code: 'EREGISTRY', message: `registry gave no upload location for ${repository}`, operation });
        const put = new URL(location, base);
        put.searchParams.set('digest', digest);
        const res = await send({
          method: 'PUT',
          url: put.href,
          scope,
          operation: `PUT ${repository} blob ${digest}`,
          expect: [201, 204],
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
          body: async () => withProgress({ stream: await open(), total: size, label: label ?? `push ${digest.slice(7, 19)}`, logger }),
          long: true,
        });
        await drain(res);
        const got = res.headers.get('docker-content-digest');
        if (got && got !== digest) throw new DataShipError({ code: 'EREGISTRY', message: `registry stored ${got} for blob ${digest}`, operation });
        return { bytes: size, mounted: false };
      });
    },
    async getBlob({ repository, digest }) {
      checkRepo(repository);
      const operation = `GET ${repository} blob ${digest}`;
      const res = await op(operation, () => send({ method: 'GET', url: `${base}/v2/${repository}/blobs/${digest}`, scope: pullScope(repository), operation, expect: [200], long: true }));
      if (!res.body) throw new DataShipError({ code: 'EREGISTRY', message: `${operation}: empty body` });
      return verifying(Readable.fromWeb(res.body as unknown as WebReadableStream), digest);
    },
    async getManifest({ repository, reference }) {
      checkRepo(repository);
      const operation = `GET ${repository} manifest ${reference}`;
      return op(operation, async () => {
        const res = await send({
          method: 'GET',
          url: `${base}/v2/${repository}/manifests/${reference}`,
          scope: pullScope(repository),
          operation,
          expect: [200, 404],
          headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        });
        if (res.status === 404) {
          await drain(res);
          return null;
        }
        const bytes = Buffer.from(await res.arrayBuffer());
        const digest = sha256Digest(bytes);
        if (isDigest(reference) && digest !== reference) throw new DataShipError({ code: 'EREGISTRY', message: `manifest ${reference} arrived with digest ${digest}`, operation });
        return { bytes, digest, mediaType: manifestMediaType({ bytes, fallback: res.headers.get('content-type') ?? undefined }) };
      });
    },
    async putManifest({ repository, reference, bytes, mediaType }) {
      checkRepo(repository);
      const operation = `PUT ${repository} manifest ${reference}`;
      const digest = sha256Digest(bytes);
      return op(operation, async () => {
        const res = await send({
          method: 'PUT',
          url: `${base}/v2/${repository}/manifests/${reference}`,
          scope: pushScope(repository),
          operation,
          expect: [200, 201, 202],
          headers: { 'content-type': mediaType },
          body: () => bytes,
        });
        await drain(res);
        const got = res.headers.get('docker-content-digest');
        if (got && got !== digest) throw new DataShipError({ code: 'EREGISTRY', message: `registry stored manifest ${got}, expected ${digest}`, operation });
        return digest;
      });
    },
    async listTags({ repository }) {
      checkRepo(repository);
      const tags: string[] = [];
      let url: string | null = `${base}/v2/${repository}/tags/list?n=1000`;
      while (url) {
        const operation = `GET ${repository} tags`;
        const page: { tags: string[]; next: string | null } = await op(operation, async () => {
          const res = await send({ method: 'GET', url: url!, scope: pullScope(repository), operation, expect: [200, 404] });
          if (res.status === 404) {
            await drain(res);
            return { tags: [], next: null };
          }
          const body = (await res.json()) as { tags?: string[] | null };
          const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
          return { tags: body.tags ?? [], next: link ? new URL(link[1], base).href : null };
        });
        tags.push(...page.tags);
        url = page.next;
      }
      return tags;
    },
  };
  return client;
}
