/**
 * The DagHost logic shared by every transport. A deploy is two calls to the host script:
 *   1. `probe --listing`: which bundle is current, which releases the host keeps, and a compact
 *      listing of the current release (path, sha256 prefix, mode; gzip+base64).
 *   2. `deploy`: with nothing (the release is still on the host), a delta against current (only
 *      changed files + a manifest patch; unchanged files are hard-linked on the host), or the full
 *      bundle. When the host cannot apply a delta (exit 4) the full bundle is sent instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Logger } from '../../core/types.js';
import type { DagBundleArtifact, DagDrift, DagHost, DagManifest, LayerChange } from '../types.js';
import { DataShipError } from '../../core/errors.js';
import { buildTarGz, bundleDigest, canonicalManifest, parseCompactListing, planDelta, readTarGz, sha256Hex, type TarFile } from '../../core/dag-bundle/index.js';
import { payloadArgs, type HostChannel, type HostRun, type HostSession, type Payload } from './channel.js';
import { hostFailure, one, parseHostOutput, type HostOutput } from './host-output.js';

export interface DagHostWithClose extends DagHost {
  /** Drift against a manifest, or against the manifest the host keeps for a digest. */
  drift(opts: { manifest: DagManifest } | { bundleDigest: string; manifest?: DagManifest }): Promise<DagDrift>;
  /** Releases the transport (the SSH master connection). */
  close(): Promise<void>;
}

export interface ChannelDagHostOptions {
  channel: HostChannel;
  root: string;
  logger: Logger;
  /** Recorded in the host's deploys.log. */
  by?: string;
  /** Send only changed files when the host has the current release (default true). */
  delta?: boolean;
  /** Compile every .py of a delta, not only the files it brings (default false). */
  compileAll?: boolean;
}

export function createChannelDagHost(opts: ChannelDagHostOptions): DagHostWithClose {
  const { channel, root, logger } = opts;
  const host = channel.describe();
  const by = opts.by ? ['--by', opts.by] : [];

  const call = async (args: string[], payload?: Payload): Promise<{ run: HostRun; out: HostOutput }> => {
    const t0 = Date.now();
    const run = await channel.run({ args: [args[0], '--root', root, ...args.slice(1)], payload });
    logger.debug(`${host}: ${args[0]} exited ${run.code} after ${Date.now() - t0} ms${payload ? ` (${payload.size} payload bytes)` : ''}`);
    logStderr(run);
    return { run, out: parseHostOutput(run.stdout) };
  };
  const logStderr = (run: HostRun) => {
    for (const line of run.stderr.split('\n')) if (line.trim() && !line.startsWith('phase=')) logger.debug(`${host}: ${line}`);
  };

  const listingMax = channel.stdoutLimit ? ['--listing-max', String(channel.stdoutLimit - 4_000)] : [];
  const parseProbe = (out: HostOutput) => {
    const current = one(out, 'current') || null;
    const releases = (one(out, 'releases') ?? '').split(' ').filter(Boolean);
    const l = one(out, 'listing');
    const listingText = l && l !== 'omitted' ? gunzipSync(Buffer.from(l, 'base64')).toString('utf8') : null;
    return { current, releases, listingText };
  };
  const probe = async (listing: boolean) => {
    const { run, out } = await call(['probe', ...(listing ? ['--listing', ...listingMax] : [])]);
    if (run.code !== 0) throw hostFailure({ run, host, operation: `probe ${root}` });
    return parseProbe(out);
  };
  /** A session when the channel has them and a delta is wanted: probe and deploy in one go. */
  const openSession = async (keep: number): Promise<{ session: HostSession | null; probed: ReturnType<typeof parseProbe> }> => {
    if (!channel.session || opts.delta === false) return { session: null, probed: await probe(opts.delta !== false) };
    const t0 = Date.now();
    const session = await channel.session({ args: ['session', '--root', root, '--keep', String(keep), ...by, ...listingMax] });
    const o = await session.opening;
    logger.debug(`${host}: session probe after ${Date.now() - t0} ms`);
    if (!o.ready) throw hostFailure({ run: o.run, host, operation: `probe ${root}` });
    return { session, probed: parseProbe(parseHostOutput(o.stdout)) };
  };

  const deltaPayload = async (bundle: DagBundleArtifact, listingText: string, unpacked: Promise<Map<string, TarFile>>) => {
    const plan = planDelta({ base: parseCompactListing(listingText), to: bundle.manifest });
    const entries = await unpacked.catch((err: unknown) => {
      throw new DataShipError({ code: 'EINPUT', message: `bundle tarball ${bundle.tarballPath} cannot be read: ${(err as Error).message}`, hint: 'pack the bundle again', cause: err });
    });
    for (const p of plan.send) {
      const e = entries.get(`dags/${p}`);
      if (!e || sha256Hex(e.data) !== bundle.manifest.files[p].sha256) {
        throw new DataShipError({ code: 'EINPUT', message: `bundle tarball ${bundle.tarballPath} does not hold ${p} as its manifest says`, hint: 'pack the bundle again' });
      }
    }
    const data = await buildTarGz([{ name: 'patch', data: Buffer.from(plan.patch), mode: 0o644 }, ...plan.send.map((p) => entries.get(`dags/${p}`)!)]);
    return { plan, payload: { data, sha256: sha256Hex(data), size: data.length } satisfies Payload };
  };

  return {
    describe: () => host,

    async currentDigest() {
      return (await probe(false)).current;
    },

    async deploy({ bundle, keep }): Promise<LayerChange> {
      // Unpack the bundle while the host is being reached; a delta picks its files from it.
      const unpacked = opts.delta === false ? Promise.resolve(new Map<string, TarFile>()) : readFile(bundle.tarballPath).then((b) => readTarGz(b));
      unpacked.catch(() => undefined);
      let { session, probed: p } = await openSession(keep);
      try {
        if (p.current === bundle.digest) {
          await session?.finish({});
          session = null;
          return { status: 'unchanged', summary: `DAG bundle ${bundle.digest.slice(0, 12)} is already live on ${host}`, details: { digest: bundle.digest, bytesSent: 0 } };
        }
        type Mode = 'existing' | 'delta' | 'full';
        let mode: Mode = p.releases.includes(bundle.digest) ? 'existing' : p.current && p.listingText !== null ? 'delta' : 'full';
        let bytesSent = 0;
        let filesSent = 0;
        let checksumRetry = true;
        for (;;) {
          // `--by` travels on the session's command line (a request line is split on spaces).
          const args = ['deploy', '--digest', bundle.digest, '--keep', String(keep), ...(opts.compileAll ? ['--compile-all'] : []), ...(session ? [] : by)];
          let payload: Payload | undefined;
          if (mode === 'delta') {
            const d = await deltaPayload(bundle, p.listingText!, unpacked);
            args.push('--base', p.current!);
            payload = d.payload;
            filesSent = d.plan.send.length;
          } else if (mode === 'full') {
            const hash = createHash('sha256');
            for await (const chunk of createReadStream(bundle.tarballPath)) hash.update(chunk as Buffer);
            payload = { path: bundle.tarballPath, sha256: hash.digest('hex'), size: (await stat(bundle.tarballPath)).size };
            filesSent = Object.keys(bundle.manifest.files).length;
          } else args.push('--payload', 'none');
          let run: HostRun;
          let out: HostOutput;
          if (session) {
            const t0 = Date.now();
            const request = [...args, ...(payload ? payloadArgs(payload, '-') : [])];
            run = await session.finish({ request, payload });
            logger.debug(`${host}: session deploy exited ${run.code} after ${Date.now() - t0} ms`);
          logStderr(run);
            out = parseHostOutput(run.stdout);
            session = null;
          } else ({ run, out } = await call(args, payload));
          bytesSent += run.bytesSent;
          if (run.code === 4 && mode !== 'full') {
            logger.info(`${host}: ${one(out, 'error') ?? 'delta not applicable'}; sending the full bundle`);
            mode = 'full';
            continue;
          }
          if (run.code === 5 && checksumRetry) {
            checksumRetry = false;
            logger.warn(`${host}: ${one(out, 'error') ?? 'bundle arrived damaged'}; sending it again`);
            continue;
          }
          if (run.code !== 0) throw hostFailure({ run, host, operation: `deploy DAG bundle ${bundle.digest.slice(0, 12)} to ${root}`, previous: p.current });
          for (const w of out.get('warning') ?? []) logger.warn(`${host}: ${w}`);
          if (one(out, 'status') === 'unchanged') {
            return { status: 'unchanged', summary: `DAG bundle ${bundle.digest.slice(0, 12)} is already live on ${host}`, details: { digest: bundle.digest, bytesSent } };
          }
          const hostMode = one(out, 'mode') ?? mode;
          const linked = Number(one(out, 'linked') ?? 0);
          const compiled = Number(one(out, 'compiled') ?? 0);
          const pruned = (one(out, 'pruned') ?? '').split(' ').filter(Boolean);
          const how =
            hostMode === 'existing'
              ? 'release kept on the host, verified and switched'
              : hostMode === 'delta'
                ? `delta: ${filesSent} file(s) sent, ${linked} hard-linked, ${compiled} compiled`
                : `full bundle: ${filesSent} file(s), ${compiled} compiled`;
          return {
            status: 'changed',
            summary: `DAG bundle ${bundle.digest.slice(0, 12)} is live on ${host} (${how})`,
            details: { digest: bundle.digest, previous: one(out, 'previous') || null, mode: hostMode, bytesSent, filesSent, linked, compiled, compileScope: one(out, 'compile-scope'), pruned },
          };
        }
      } finally {
        // Never leave the host script waiting on stdin (it then exits without doing anything).
        if (session) await session.finish({}).catch(() => undefined);
      }
    },

    async activate({ bundleDigest: digest }): Promise<LayerChange> {
      const { run, out } = await call(['activate', '--digest', digest, ...by]);
      if (run.code !== 0) throw hostFailure({ run, host, operation: `switch ${root}/current to ${digest.slice(0, 12)}` });
      if (one(out, 'status') === 'unchanged') return { status: 'unchanged', summary: `DAG bundle ${digest.slice(0, 12)} is already live on ${host}` };
      return { status: 'changed', summary: `${host}: current switched back to DAG bundle ${digest.slice(0, 12)}`, details: { digest, previous: one(out, 'previous') || null } };
    },

    async drift(o): Promise<DagDrift> {
      const manifest = o.manifest;
      const digest = 'bundleDigest' in o ? o.bundleDigest : bundleDigest(o.manifest);
      let { run, out } = await call(['drift', '--digest', digest]);
      if (run.code === 4 && manifest) {
        const data = gzipSync(canonicalManifest(manifest));
        ({ run, out } = await call(['drift', '--digest', digest], { data, sha256: sha256Hex(data), size: data.length }));
      }
      if (run.code !== 0) throw hostFailure({ run, host, operation: `compare ${root}/current with bundle ${digest.slice(0, 12)}` });
      const added = new Set(out.get('drift-added') ?? []);
      const removed = new Set(out.get('drift-removed') ?? []);
      const changed = new Set(out.get('drift-changed') ?? []);
      for (const p of out.get('drift-unreadable') ?? []) {
        if (removed.delete(p)) changed.add(p);
        else added.add(p);
      }
      const sort = (s: Set<string>) => [...s].sort();
      return { added: sort(added), removed: sort(removed), changed: sort(changed) };
    },

    close: () => channel.close(),
  };
}
