/**
 * A real OCI registry for tests (Debian's docker-registry on loopback), and a proxy to put in
 * front of it that injects faults (seeded: 500, 429, connection resets before or after the
 * upstream answered), can cut the connection after N blob uploads (an interrupted push), can
 * demand Basic or bearer-token auth, and counts the request bytes that reach the registry.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpReady, startService, type RunningService } from './process.js';
import { seededRandom } from './random.js';

export { seededRandom };

export interface Registry extends RunningService {
  url: string;
  /** `127.0.0.1:<port>`, for skopeo's `docker://` references. */
  host: string;
  rootDir: string;
}

export async function startRegistry(): Promise<Registry> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const rootDir = join(dir, 'data');
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: {level: error, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${rootDir}}, delete: {enabled: true}}`,
      `http: {addr: 127.0.0.1:${port}, secret: ${randomBytes(8).toString('hex')}}`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const svc = await startService({ name: 'docker-registry', command: 'docker-registry', args: ['serve', config], ready: () => httpReady(`${url}/v2/`) });
  return {
    ...svc,
    url,
    host: `127.0.0.1:${port}`,
    rootDir,
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


export type Fault = '500' | '429' | 'reset' | 'reset-after';

export interface ProxyOptions {
  target: string;
  /** Share of requests that fail (0..1). */
  faultRate?: number;
  seed?: number;
  faults?: Fault[];
  auth?: { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; username?: string; password?: string };
  /** After this many completed blob uploads, every request has its connection reset. */
  cutAfterUploads?: number;
}

export interface ProxyStats {
  requests: number;
  faults: Record<string, number>;
  /** Request-body bytes that reached the registry. */
  bytesIn: number;
  /** Digests of blob uploads the registry completed (201). */
  uploads: string[];
  tokenRequests: number;
  log: { method: string; path: string; outcome: string }[];
}

export interface RegistryProxy {
  url: string;
  host: string;
  stats: ProxyStats;
  /** Clears the stats. */
  reset(): void;
  configure(opts: Partial<Pick<ProxyOptions, 'faultRate' | 'cutAfterUploads'>>): void;
  stop(): Promise<void>;
}

export async function startRegistryProxy(opts: ProxyOptions): Promise<RegistryProxy> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const target = new URL(opts.target);
  const random = seededRandom(opts.seed ?? 1);
  const faults = opts.faults ?? ['500', '429', 'reset', 'reset-after'];
  let faultRate = opts.faultRate ?? 0;
  let cutAfter = opts.cutAfterUploads;
  const tokens = new Set<string>();
  const fresh = (): ProxyStats => ({ requests: 0, faults: {}, bytesIn: 0, uploads: [], tokenRequests: 0, log: [] });
  let stats = fresh();

  const basicOk = (header: string | undefined, u?: string, p?: string) =>
    u === undefined || header === `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  const deny = (res: ServerResponse, path: string) => {
    const repo = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(path)?.[1];
    const challenge =
      opts.auth?.kind === 'basic'
        ? 'Basic realm="test-registry"'
        : `Bearer realm="${url}/token",service="test-registry"${repo ? `,scope="repository:${repo}:pull,push"` : ''}`;
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const note = (outcome: string) => stats.log.push({ method: req.method ?? '', path: path.split('?')[0], outcome });
    stats.requests++;
    if (cutAfter !== undefined && stats.uploads.length >= cutAfter) {
      note('cut');
      req.socket.destroy();
      return;
    }
    if (opts.auth && path.startsWith('/token')) {
      stats.tokenRequests++;
      if (opts.auth.kind === 'bearer' && !basicOk(req.headers.authorization, opts.auth.username, opts.auth.password)) {
        res.writeHead(401).end();
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (opts.auth) {
      const h = req.headers.authorization;
      const ok = opts.auth.kind === 'basic' ? basicOk(h, opts.auth.username, opts.auth.password) && Boolean(h) : Boolean(h?.startsWith('Bearer ') && tokens.has(h.slice(7)));
      if (!ok) {
        note('401');
        req.resume();
        return deny(res, path);
      }
    }
    let fault: Fault | undefined;
    if (faultRate > 0 && random() < faultRate) fault = faults[Math.floor(random() * faults.length)];
    if (fault) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    if (fault === 'reset') {
      note('reset');
      req.socket.destroy();
      return;
    }
    if (fault === '500' || fault === '429') {
      note(fault);
      req.resume();
      res.writeHead(Number(fault), { 'content-type': 'application/json', ...(fault === '429' ? { 'retry-after': '0' } : {}) });
      res.end(JSON.stringify({ errors: [{ code: fault === '429' ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: 'injected fault' }] }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers }, (upRes) => {
      if (req.method === 'PUT' && /\/blobs\/uploads\//.test(path) && upRes.statusCode === 201) {
        stats.uploads.push(new URL(path, url).searchParams.get('digest') ?? '?');
      }
      if (fault === 'reset-after') {
        note('reset-after');
        upRes.resume();
        upRes.on('end', () => req.socket.destroy());
        return;
      }
      note(String(upRes.statusCode));
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    req.on('data', (chunk: Buffer) => (stats.bytesIn += chunk.length));
    req.pipe(up);
  };

  const server = createServer(handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url,
    host: `127.0.0.1:${port}`,
    get stats() {
      return stats;
    },
    reset() {
      stats = fresh();
    },
    configure(o) {
      if (o.faultRate !== undefined) faultRate = o.faultRate;
      if ('cutAfterUploads' in o) cutAfter = o.cutAfterUploads;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface VerifiedImage {
  manifestDigest: string;
  manifest: { mediaType?: string; config: { digest: string; size: number }; layers: { digest: string; size: number; mediaType: string }[] };
  config: { rootfs: { diff_ids: string[] }; config?: { Labels?: Record<string, string> }; created?: string; history?: unknown[] };
  /** Every blob skopeo wrote, with the sha256 we computed over its bytes. */
  blobs: Record<string, string>;
}

/**
 * Copies an image with skopeo (an independent client) into a `dir:` directory and checks every
 * blob: each layer's and the config's bytes must hash to the digest the manifest names.
 */
export async function skopeoCopyAndVerify(source: string): Promise<VerifiedImage> {
  const out = mkdtempSync(join(tmpdir(), 'skopeo-out-'));
  try {
    await promisify(execFile)('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--preserve-digests', source, `dir:${out}`], { maxBuffer: 16 * 1024 * 1024 });
    const manifestBytes = readFileSync(join(out, 'manifest.json'));
    const manifest = JSON.parse(manifestBytes.toString()) as VerifiedImage['manifest'];
    const blobs: Record<string, string> = {};
    for (const name of readdirSync(out)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      blobs[`sha256:${name}`] = `sha256:${createHash('sha256').update(readFileSync(join(out, name))).digest('hex')}`;
    }
    for (const d of [manifest.config, ...manifest.layers]) {
      if (blobs[d.digest] !== d.digest) throw new Error(`skopeo copy of ${source}: blob ${d.digest} hashes to ${blobs[d.digest] ?? '(missing)'}`);
    }
    const config = JSON.parse(readFileSync(join(out, manifest.config.digest.slice(7))).toString()) as VerifiedImage['config'];
    return { manifestDigest: `sha256:${createHash('sha256').update(manifestBytes).digest('hex')}`, manifest, config, blobs };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
