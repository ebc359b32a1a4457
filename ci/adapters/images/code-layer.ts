/**
 * The dbt project as one deterministic image layer: sorted entries, fixed mtime, uid/gid 0,
 * normalised modes (see `ci/core/image/layer-entries.ts`), gzip with a fixed header. The tar is
 * streamed through the compressor to a temporary file, so a project is never held whole in memory.
 *
 * Compression uses pako (pure JavaScript, pinned by the lockfile) rather than node's zlib, whose
 * bundled zlib may pick a different match-finding hash by CPU and version: the same tree must give
 * the same digest on every machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join, relative, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { Deflate } from 'pako';
import tar from 'tar-stream';
import { DataShipError } from '../../core/errors.js';
import { FIXED_MTIME, isExcludedProjectPath, planLayerEntries, type LayerEntry, type ProjectFile } from '../../core/image/layer-entries.js';
import type { LayerInfo } from '../../core/image/types.js';
import type { RuntimeInputFile } from '../../core/image/runtime-inputs.js';

/** gzip level used for the code layer; changing it changes every code layer digest. */
export const CODE_LAYER_GZIP_LEVEL = 6;

/**
 * Lists the project's files (not following symlinks), skipping excluded paths. Synchronous calls:
 * for hundreds of small files they are several times faster than the thread pool, and nothing else
 * runs meanwhile.
 */
export async function listProjectFiles(opts: { dir: string }): Promise<ProjectFile[]> {
  const root = resolve(opts.dir);
  const out: ProjectFile[] = [];
  const walk = (abs: string): void => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch (err) {
      if (abs === root) throw new DataShipError({ code: 'ENOTFOUND', message: `dbt project directory not found: ${opts.dir}`, cause: err, hint: 'set project.dbtDir in dataship.yml' });
      throw err;
    }
    for (const name of names) {
      const path = join(abs, name);
      const rel = relative(root, path).split(sep).join('/');
      if (isExcludedProjectPath(rel)) continue;
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isSymbolicLink()) out.push({ path: rel, type: 'symlink', size: 0, executable: false, linkname: readlinkSync(path) });
      else if (st.isFile()) out.push({ path: rel, type: 'file', size: st.size, executable: (st.mode & 0o111) !== 0 });
    }
  };
  walk(root);
  return out;
}

/** Files up to this size are read whole; larger ones stream. */
const SMALL_FILE = 1024 * 1024;
/** The producer lets the consumer drain after about this many bytes. */
const YIELD_EVERY = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/** The sink gets the tar in chunks of about this size. */
const SINK_CHUNK = 256 * 1024;

/** Streams the layer's uncompressed tar into `sink`, in order, holding at most about a megabyte. */
async function streamTar(opts: { dir: string; entries: LayerEntry[]; sink: (chunk: Buffer) => Promise<void> | void }): Promise<void> {
  const pack = tar.pack();
  const producer = (async () => {
    let sinceYield = 0;
    let last: Promise<void> = Promise.resolve();
    for (const e of opts.entries) {
      const header = {
        name: e.name,
        type: e.type,
        mode: e.mode,
        size: e.type === 'file' ? e.size : 0,
        mtime: FIXED_MTIME,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        linkname: e.linkname,
      };
      if (e.type !== 'file' || e.size <= SMALL_FILE) {
        const content = e.type === 'file' && e.size > 0 ? readFileSync(join(opts.dir, e.source!)) : undefined;
        if (content && content.length !== e.size) throw new Error(`${e.source} changed while the layer was written`);
        last = new Promise<void>((res, rej) => void pack.entry(header, content ?? EMPTY, (err?: Error | null) => (err ? rej(err) : res())));
        last.catch(() => undefined);
        sinceYield += 512 + (content?.length ?? 0);
        if (sinceYield >= YIELD_EVERY) {
          await last;
          sinceYield = 0;
        }
        continue;
      }
      await last;
      sinceYield = 0;
      await new Promise<void>((res, rej) => {
        const entry = pack.entry(header, (err?: Error | null) => (err ? rej(err) : res())) as unknown as NodeJS.WritableStream;
        (async () => {
          for await (const chunk of createReadStream(join(opts.dir, e.source!))) {
            if (!entry.write(chunk as Buffer)) await once(entry, 'drain');
          }
          entry.end();
        })().catch(rej);
      });
    }
    await last;
    pack.finalize();
  })();
  producer.catch(() => pack.destroy());
  let batch: Buffer[] = [];
  let batched = 0;
  for await (const chunk of pack as AsyncIterable<Buffer>) {
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= SINK_CHUNK) {
      await opts.sink(Buffer.concat(batch));
      batch = [];
      batched = 0;
    }
  }
  if (batched) await opts.sink(Buffer.concat(batch));
  await producer;
}

export interface CodeLayer extends LayerInfo {
  /** The compressed layer on disk. */
  path: string;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  files: number;
  /** Removes the temporary file. */
  cleanup(): Promise<void>;
}

/**
 * Writes the dbt project's layer (tar.gz) to a temporary file and returns its digest (sha256 of
 * the compressed bytes), diff_id (sha256 of the tar) and size.
 */
export async function dbtProjectLayer(opts: { dir: string; tmpDir?: string; prefix?: string }): Promise<CodeLayer> {
  const dir = resolve(opts.dir);
  const files = await listProjectFiles({ dir });
  const entries = planLayerEntries({ files, prefix: opts.prefix });
  const tmp = opts.tmpDir ?? tmpdir();
  await mkdir(tmp, { recursive: true });
  const path = join(tmp, `code-layer-${randomBytes(6).toString('hex')}.tar.gz`);
  const out = createWriteStream(path);
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let tarSize = 0;
  let size = 0;
  const pending: Buffer[] = [];
  const deflate = new Deflate({ gzip: true, level: CODE_LAYER_GZIP_LEVEL });
  deflate.onData = (chunk: Uint8Array) => pending.push(Buffer.from(chunk));
  const flush = async () => {
    for (const buf of pending.splice(0)) {
      gzHash.update(buf);
      size += buf.length;
      if (!out.write(buf)) await once(out, 'drain');
    }
  };
  try {
    await streamTar({
      dir,
      entries,
      sink: async (chunk) => {
        tarHash.update(chunk);
        tarSize += chunk.length;
        deflate.push(chunk, false);
        await flush();
      },
    });
    deflate.push(new Uint8Array(0), true);
    if (deflate.err) throw new Error(`gzip failed: ${deflate.msg}`);
    await flush();
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await rm(path, { force: true });
    throw err;
  }
  return {
    path,
    digest: `sha256:${gzHash.digest('hex')}`,
    diffId: `sha256:${tarHash.digest('hex')}`,
    size,
    tarSize,
    files: files.length,
    cleanup: () => rm(path, { force: true }),
  };
}

/**
 * The dbt project's content digest: the diff_id of its layer (sha256 of the deterministic tar),
 * computed without compressing or writing anything. Same tree, same digest, on any machine.
 */
export async function dbtProjectDigest(opts: { dir: string; prefix?: string }): Promise<string> {
  const dir = resolve(opts.dir);
  const entries = planLayerEntries({ files: await listProjectFiles({ dir }), prefix: opts.prefix });
  const hash = createHash('sha256');
  await streamTar({ dir, entries, sink: (chunk) => void hash.update(chunk) });
  return `sha256:${hash.digest('hex')}`;
}

/** Reads the runtime input files, with paths relative to `cwd` (for `runtimeInputsDigest`). */
export async function readRuntimeInputs(opts: { cwd: string; paths: string[] }): Promise<RuntimeInputFile[]> {
  const files: RuntimeInputFile[] = [];
  for (const p of opts.paths) {
    const abs = resolve(opts.cwd, p);
    const rel = relative(resolve(opts.cwd), abs).split(sep).join('/');
    try {
      files.push({ path: rel, content: await readFile(abs) });
    } catch (err) {
      throw new DataShipError({
        code: 'ENOTFOUND',
        message: `runtime image input not found: ${p}`,
        cause: err,
        hint: 'check image.runtimeInputs and image.dockerfile in dataship.yml',
      });
    }
  }
  return files;
}
