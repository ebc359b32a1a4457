#!/usr/bin/env node
/**
 * Benchmark: shipping a SQL-only change, two ways, in one run against a real registry
 * (Debian's docker-registry on loopback, behind a byte-counting proxy):
 *   - code layer: dataship appends the dbt project as one deterministic layer to the runtime image
 *     already in the registry, through the registry API (no daemon, no rebuild);
 *   - full rebuild (the baseline, what rebuilding the dbt image on every change costs): buildah
 *     rebuilds the same image (runtime + project) from its Dockerfile and pushes it.
 * The runtime stands in for Python + dbt with ~50 MB of generated source-like text.
 * Prints one JSON line: median times, bytes uploaded, and the ratios.
 *
 * Run: npm run build && node bench/image-build.mjs   (needs docker-registry, buildah, busybox-static)
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRegistryImagePublisher } from '../dist/ci/adapters/images/index.js';
import { createBuildahBuilder } from '../dist/ci/adapters/builder/builders.js';

const run = promisify(execFile);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const RUNTIME_MB = Number(process.env.BENCH_RUNTIME_MB ?? 50);
const work = join(tmpdir(), `dataship-bench-${process.pid}`);
mkdirSync(work, { recursive: true });
const cleanups = [];

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = netServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startRegistry() {
  const port = await freePort();
  const config = join(work, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: ${join(work, 'registry')}}}\nhttp: {addr: 127.0.0.1:${port}}\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGTERM'));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/v2/`)).ok) return url;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('docker-registry did not start');
}

/** Forwards to the registry and counts request-body bytes (what a client uploads). */
async function startCountingProxy(target) {
  const t = new URL(target);
  const stats = { bytes: 0, requests: 0 };
  const server = createServer((req, res) => {
    stats.requests++;
    req.on('data', (c) => (stats.bytes += c.length));
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(() => server.close());
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, stats };
}

/** Seeded text that compresses like source code. */
function* words(seed) {
  let a = seed >>> 0;
  const vocab = 'import def class return self for in if else while with as from try except raise yield lambda None True False print len range dict list str int value result data config path name node index item key'.split(' ');
  for (;;) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    yield r < 0.1 ? `${vocab[Math.floor(r * 370) % vocab.length]}_${Math.floor(r * 1e6)}` : vocab[Math.floor(r * 1000) % vocab.length];
  }
}

function makeRepo() {
  const repo = join(work, 'repo');
  const ctx = join(repo, 'runtime-ctx');
  const site = join(ctx, 'site');
  mkdirSync(site, { recursive: true });
  const w = words(7);
  const fileBytes = 25_000;
  for (let i = 0; i < (RUNTIME_MB * 1_000_000) / fileBytes; i++) {
    const dir = join(site, `pkg${i % 40}`);
    mkdirSync(dir, { recursive: true });
    let s = '';
    while (s.length < fileBytes) s += `${w.next().value}${s.length % 80 < 8 ? '\n    ' : ' '}`;
    writeFileSync(join(dir, `mod${i}.py`), s);
  }
  writeFileSync(join(ctx, 'requirements.txt'), 'dbt-core==1.8.0\ndbt-snowflake==1.8.0\n');
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM localhost/busybox-base\nCOPY requirements.txt /opt/runtime/requirements.txt\nCOPY site/ /opt/runtime/site/\n');
  // The baseline image: the same runtime with the project copied in (rebuilt on every change).
  writeFileSync(join(repo, 'Dockerfile.full'), 'FROM localhost/busybox-base\nCOPY runtime-ctx/requirements.txt /opt/runtime/requirements.txt\nCOPY runtime-ctx/site/ /opt/runtime/site/\nCOPY dbt/ /app/dbt/\n');
  const dbt = join(repo, 'dbt');
  mkdirSync(join(dbt, 'models', 'staging'), { recursive: true });
  mkdirSync(join(dbt, 'models', 'marts'), { recursive: true });
  writeFileSync(join(dbt, 'dbt_project.yml'), "name: estat\nversion: '1.0'\nprofile: estat\n");
  writeFileSync(join(dbt, 'packages.yml'), 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n');
  for (let i = 0; i < 200; i++) {
    const layer = i < 120 ? 'staging' : 'marts';
    const cols = Array.from({ length: 20 }, (_, c) => `    cast(col_${c} as varchar) as ${layer}_${i}_col_${c}`).join(',\n');
    writeFileSync(join(dbt, 'models', layer, `m_${i}.sql`), `with src as (\n  select * from {{ source('estat', 'table_${i}') }}\n)\nselect\n${cols}\nfrom src\nwhere year >= 2000\n`);
    writeFileSync(join(dbt, 'models', layer, `m_${i}.yml`), `version: 2\nmodels:\n  - name: m_${i}\n    columns:\n      - name: ${layer}_${i}_col_0\n        tests: [not_null, unique]\n`);
  }
  return repo;
}

async function makeBase(flags) {
  const rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
  const b = (...a) => run('buildah', [...flags, ...a]);
  const c = (await b('from', 'scratch')).stdout.trim();
  await b('copy', c, `${rootfs}/`, '/');
  await b('config', '--os', 'linux', '--arch', 'amd64', '--cmd', '/bin/sh', c);
  await b('commit', '--quiet', c, 'localhost/busybox-base');
  await b('rm', c);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quiet = { debug() {}, info() {}, warn() {}, error() {}, group: (_t, fn) => fn(), progress() {} };

async function main() {
  const storageDir = join(work, 'buildah');
  const buildah = { storageDriver: 'vfs', root: join(storageDir, 'root'), runroot: join(storageDir, 'run'), isolation: 'chroot' };
  const flags = ['--storage-driver', 'vfs', '--root', buildah.root, '--runroot', buildah.runroot];
  const registry = await startRegistry();
  const proxy = await startCountingProxy(registry);
  await makeBase(flags);
  const repo = makeRepo();
  const sqlFile = join(repo, 'dbt', 'models', 'marts', 'm_150.sql');
  const change = (i) => writeFileSync(sqlFile, `select ${i} as change_${i}, * from {{ ref('m_1') }}\n`);

  // Code-layer path. The first build makes and pushes the runtime image (not timed).
  const publisher = createRegistryImagePublisher({
    registryUrl: proxy.url,
    repository: 'bench/dbt',
    cwd: repo,
    cacheDir: join(work, 'cache'),
    builder: createBuildahBuilder(buildah),
    dockerfile: 'runtime-ctx/Dockerfile',
    contextDir: 'runtime-ctx',
    logger: quiet,
  });
  const buildOpts = (i) => ({ dbtDir: 'dbt', runtimeInputs: ['runtime-ctx/Dockerfile', 'runtime-ctx/requirements.txt', 'dbt/packages.yml'], labels: { 'org.opencontainers.image.revision': `bench-${i}` }, releaseId: `r-${String(i).padStart(16, '0')}` });
  let t = performance.now();
  const first = await publisher.build(buildOpts(0));
  const firstMs = performance.now() - t;
  const firstBytes = proxy.stats.bytes;
  const code = [];
  for (let i = 1; i <= REPS; i++) {
    change(i);
    proxy.stats.bytes = 0;
    t = performance.now();
    const res = await publisher.build(buildOpts(i));
    code.push({ ms: performance.now() - t, bytes: proxy.stats.bytes, reported: res.bytesUploaded, layer: res.details.codeLayer.size, runtime: res.details.runtime.status, timings: res.details.timings });
  }

  // Baseline: full buildah rebuild and push of the same image, after one warm-up push.
  const full = [];
  for (let i = 0; i <= REPS; i++) {
    change(100 + i);
    proxy.stats.bytes = 0;
    t = performance.now();
    await run('buildah', [...flags, 'bud', '--quiet', '--isolation', 'chroot', '-f', join(repo, 'Dockerfile.full'), '-t', `localhost/bench-full:${i}`, repo]);
    await run('buildah', [...flags, 'push', '--quiet', '--tls-verify=false', `localhost/bench-full:${i}`, `docker://${proxy.host}/bench/full:${i}`]);
    const ms = performance.now() - t;
    if (i > 0) full.push({ ms, bytes: proxy.stats.bytes });
    await run('buildah', [...flags, 'rmi', `localhost/bench-full:${i}`]).catch(() => undefined);
  }

  const codeMs = median(code.map((c) => c.ms));
  const fullMs = median(full.map((f) => f.ms));
  const codeBytes = median(code.map((c) => c.bytes));
  const fullBytes = median(full.map((f) => f.bytes));
  const layer = median(code.map((c) => c.layer));
  console.log(
    JSON.stringify({
      bench: 'image-build: SQL-only change',
      reps: REPS,
      runtimeMB: RUNTIME_MB,
      codeLayer: { medianMs: Math.round(codeMs), bytesUploaded: codeBytes, reportedBytes: median(code.map((c) => c.reported)), codeLayerBytes: layer, runtimeStatus: code[0].runtime, timings: code.map((c) => c.timings) },
      fullRebuild: { medianMs: Math.round(fullMs), bytesUploaded: fullBytes },
      firstBuild: { ms: Math.round(firstMs), bytesUploaded: firstBytes, runtimeStatus: first.details.runtime.status },
      speedup: Number((fullMs / codeMs).toFixed(1)),
      bytesVsCodeLayer: Number((codeBytes / layer).toFixed(2)),
      bytesVsFullRebuild: Number((codeBytes / fullBytes).toFixed(4)),
      targets: { speedupAtLeast: 20, met: fullMs / codeMs >= 20 },
    }),
  );
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) c();
  rmSync(work, { recursive: true, force: true });
}
