#!/usr/bin/env node
// DAG deploy of a one-file change in a 500-DAG folder: dataship over SSH against
// `rsync -a --checksum --delete` over the same SSH server, in one run. Both connect through a
// loopback TCP proxy that counts every byte in both directions (SSH handshake included), and both
// open one fresh SSH connection per deploy. Runs on the compiled code: `npm run build` first.
// Prints one JSON line; ratios are dataship / rsync (targets: bytes ≤ 1.2, time ≤ 1.5).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const { createSshDagHost, packDagBundle } = await import('../dist/ci/adapters/airflow-host/index.js');

const FILES = 500;
const REPS = Number(process.env.BENCH_REPS ?? 7);
const work = mkdtempSync(join(tmpdir(), 'bench-dags-'));
const T0 = performance.now();
const say = (m) => process.env.BENCH_VERBOSE && console.error(`${(performance.now() - T0).toFixed(0).padStart(6)} ms ${m}`);
const quiet = { debug: say, info: say, warn: say, error: say, group: (_t, fn) => fn(), progress() {} };

// --- sshd on loopback, root, own keys ------------------------------------------------------
const keygen = (f) => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', f]);
  return readFileSync(`${f}.pub`, 'utf8').trim();
};
const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
const hostPub = keygen(join(work, 'host_key'));
writeFileSync(join(work, 'authorized_keys'), `${keygen(join(work, 'client_key'))}\n`);
mkdirSync('/run/sshd', { recursive: true });
const sshdPort = await freePort();
const user = userInfo().username;
writeFileSync(
  join(work, 'sshd_config'),
  `ListenAddress 127.0.0.1\nPort ${sshdPort}\nHostKey ${work}/host_key\nAuthorizedKeysFile ${work}/authorized_keys\nPidFile ${work}/sshd.pid\nUsePAM no\nStrictModes no\nPasswordAuthentication no\nPermitRootLogin prohibit-password\nAllowUsers ${user}\nMaxSessions 32\n`,
);
const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(work, 'sshd_config')], { stdio: 'ignore' });

// --- counting TCP proxy ----------------------------------------------------------------------
const counts = { up: 0, down: 0, open: 0 };
const proxy = createServer((client) => {
  counts.open++;
  const server = connect({ host: '127.0.0.1', port: sshdPort });
  client.on('data', (d) => (counts.up += d.length));
  server.on('data', (d) => (counts.down += d.length));
  client.pipe(server).on('error', () => {});
  server.pipe(client).on('error', () => {});
  const done = () => {
    client.destroy();
    server.destroy();
  };
  client.on('close', done);
  server.on('close', done);
  client.on('error', done);
  server.on('error', done);
  server.once('close', () => counts.open--);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const port = proxy.address().port;
const knownHosts = join(work, 'known_hosts');
writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
for (let i = 0; ; i++) {
  const ok = await new Promise((r) => {
    const s = connect({ host: '127.0.0.1', port: sshdPort }, () => (s.destroy(), r(true)));
    s.on('error', () => r(false));
  });
  if (ok) break;
  if (i > 100) throw new Error('sshd did not start');
  await sleep(50);
}
const measure = async (fn) => {
  while (counts.open) await sleep(5);
  counts.up = 0;
  counts.down = 0;
  const t0 = performance.now();
  const extra = await fn();
  const ms = performance.now() - t0;
  while (counts.open) await sleep(5);
  return { ms, up: counts.up, down: counts.down, bytes: counts.up + counts.down, ...extra };
};

// --- a 500-DAG folder ------------------------------------------------------------------------
const src = join(work, 'dags');
const write = (p, c) => {
  mkdirSync(dirname(join(src, p)), { recursive: true });
  writeFileSync(join(src, p), c);
};
const dag = (i, v) => {
  const tasks = Array.from({ length: 20 }, (_, t) => `    t${t} = BashOperator(task_id="load_${t}", bash_command="dbt run --select estat_${i}_${t} --vars '{run: ${v}}'")`);
  return `"""e-Stat table ${i}."""\nfrom datetime import datetime\nfrom airflow import DAG\nfrom airflow.operators.bash import BashOperator\nfrom estat_common.defaults import default_args\n\nwith DAG(dag_id="estat_${i}", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False, default_args=default_args) as dag:\n${tasks.join('\n')}\n    ${Array.from({ length: 20 }, (_, t) => `t${t}`).join(' >> ')}\n`;
};
write('.airflowignore', 'tests/\n');
write('estat_common/__init__.py', '');
write('estat_common/defaults.py', 'from datetime import timedelta\ndefault_args = {"retries": 2, "retry_delay": timedelta(minutes=5)}\n');
for (let i = 0; i < FILES; i++) write(`estat_${String(i).padStart(3, '0')}.py`, dag(i, 0));
const srcBytes = readdirSync(src).reduce((n, f) => n + (statSync(join(src, f)).isFile() ? statSync(join(src, f)).size : 0), 0);

const root = join(work, 'host', 'dags-root');
const rsyncDest = join(work, 'host', 'rsync-dest');
mkdirSync(rsyncDest, { recursive: true });
// BENCH_COMPILE_ALL=1: the host compiles all 502 files on every deploy, not only the changed one.
const compileAll = Boolean(process.env.BENCH_COMPILE_ALL);
const host = () => createSshDagHost({ host: '127.0.0.1', port, user, identityFile: join(work, 'client_key'), knownHostsFile: knownHosts, root, logger: quiet, compileAll });
const sshE = `ssh -p ${port} -l ${user} -i ${work}/client_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR`;
const rsync = () =>
  new Promise((res, rej) => {
    const p = spawn('rsync', ['-a', '--checksum', '--delete', '--exclude', 'tests/', '-e', sshE, `${src}/`, `127.0.0.1:${rsyncDest}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (c) => (c === 0 ? res() : rej(new Error(`rsync exited ${c}: ${err}`))));
  });
const dataship = async () => {
  const t0 = performance.now();
  const bundle = await packDagBundle({ dir: src, outDir: join(work, 'bundles') });
  const packMs = performance.now() - t0;
  const h = host();
  const r = await h.deploy({ bundle, keep: 5 });
  await h.close();
  return { packMs, status: r.status, mode: r.details?.mode, filesSent: r.details?.filesSent, compiled: r.details?.compiled, digest: bundle.digest, manifest: bundle.manifest };
};

// --- first deploy (full), not compared --------------------------------------------------------
const first = await measure(dataship);
const firstRsync = await measure(rsync);

// --- one changed file, REPS times, alternating who goes first ------------------------------
const runs = { dataship: [], rsync: [] };
for (let r = 1; r <= REPS; r++) {
  write('estat_250.py', dag(250, r));
  const order = r % 2 ? ['dataship', 'rsync'] : ['rsync', 'dataship'];
  for (const who of order) runs[who].push(await measure(who === 'dataship' ? dataship : rsync));
}

// --- both ended with the same files -----------------------------------------------------------
const hashDir = (d, rel = '', out = {}) => {
  for (const n of readdirSync(join(d, rel)).sort()) {
    const p = rel ? `${rel}/${n}` : n;
    if (statSync(join(d, p)).isDirectory()) hashDir(d, p, out);
    else out[p] = createHash('sha256').update(readFileSync(join(d, p))).digest('hex');
  }
  return out;
};
const last = runs.dataship.at(-1);
const viaCurrent = hashDir(join(root, 'current'));
const expected = Object.fromEntries(Object.entries(last.manifest.files).map(([p, e]) => [p, e.sha256]));
if (JSON.stringify(viaCurrent) !== JSON.stringify(Object.fromEntries(Object.keys(expected).sort().map((k) => [k, expected[k]])))) throw new Error('dataship host does not match the bundle');
if (JSON.stringify(hashDir(rsyncDest)) !== JSON.stringify(viaCurrent)) throw new Error('rsync destination differs from the dataship release');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (who, k) => median(runs[who].map((x) => x[k]));
const d = { ms: m('dataship', 'ms'), packMs: m('dataship', 'packMs'), bytes: m('dataship', 'bytes'), up: m('dataship', 'up'), down: m('dataship', 'down') };
const s = { ms: m('rsync', 'ms'), bytes: m('rsync', 'bytes'), up: m('rsync', 'up'), down: m('rsync', 'down') };
const round = (x, n = 2) => Number(x.toFixed(n));
const result = {
  bench: 'dag-deploy',
  files: FILES + 2,
  sourceBytes: srcBytes,
  changedFiles: 1,
  reps: REPS,
  compileAll,
  dataship: {
    ms: round(d.ms, 0),
    deployMs: round(d.ms - d.packMs, 0),
    packMs: round(d.packMs, 0),
    bytes: d.bytes,
    bytesUp: d.up,
    bytesDown: d.down,
    mode: last.mode,
    filesSent: last.filesSent,
    compiled: last.compiled,
  },
  rsync: { ms: round(s.ms, 0), bytes: s.bytes, bytesUp: s.up, bytesDown: s.down },
  ratio: { bytes: round(d.bytes / s.bytes), time: round(d.ms / s.ms), timeDeployOnly: round((d.ms - d.packMs) / s.ms) },
  target: { bytes: 1.2, time: 1.5 },
  firstDeploy: { dataship: { ms: round(first.ms, 0), bytes: first.bytes, mode: first.mode }, rsync: { ms: round(firstRsync.ms, 0), bytes: firstRsync.bytes } },
};
result.meetsTarget = result.ratio.bytes <= 1.2 && result.ratio.time <= 1.5;
console.log(JSON.stringify(result));

proxy.close();
sshd.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
process.exit(0);
