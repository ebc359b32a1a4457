/**
 * Deterministic bundle tarballs, built and read in memory (no file I/O here).
 *
 * Layout of every payload the host receives (a full bundle or a delta), gzip-compressed:
 *   `manifest` (full bundle: the canonical manifest text) or `patch` (delta, see delta.ts)
 *   `dags/<path>` for each file carried, in canonical path order
 * Entries are regular files only, mtime 0, uid/gid 0, no user/group names, modes 0644/0755, so the
 * same inputs always give the same bytes (with the same zlib).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack, extract } from 'tar-stream';

export interface TarFile {
  name: string;
  data: Buffer;
  mode: number;
}

const EPOCH = new Date(0);

export async function buildTarGz(files: TarFile[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', resolve);
    p.on('error', reject);
  });
  // tar-stream queues entries given as buffers, in order.
  for (const f of files) p.entry({ name: f.name, size: f.data.length, mode: f.mode, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, f.data);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

/** Reads a gzip tarball's regular files; `want` limits which names are kept. */
export async function readTarGz(data: Buffer, want?: (name: string) => boolean): Promise<Map<string, TarFile>> {
  const out = new Map<string, TarFile>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const keep = header.type === 'file' && (!want || want(header.name));
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => keep && parts.push(c as Buffer));
      stream.on('end', () => {
        if (keep) out.set(header.name, { name: header.name, data: Buffer.concat(parts), mode: header.mode ?? 0o644 });
        next();
      });
      stream.on('error', reject);
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(gunzipSync(data));
  await done;
  return out;
}
