/**
 * The DAG bundle manifest: every file of the bundle with its sha256, size and mode, and the bundle
 * digest derived from it.
 *
 * The digest is the sha256 (64 hex characters, no prefix) of the manifest's CANONICAL TEXT, not of
 * the tarball bytes: one line per file, `path TAB sha256 TAB mode TAB size LF`, sorted by the
 * path's UTF-8 bytes. A text form (not JSON) so that the POSIX host script can rebuild and check it
 * with `sort` and `sha256sum` alone. Pure: no I/O.
 */
import { sha256Hex } from '../hash.js';
import type { DagManifest } from '../../adapters/types.js';

export type { DagManifest };
export type ManifestEntry = DagManifest['files'][string];

export { sha256Hex };

/** Modes are normalised to these two: executable or not. */
export function normaliseMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

/**
 * Why a relative path cannot be in a bundle, or null when it can. Paths are `/`-separated,
 * relative, without `.`/`..` segments, control characters or backslashes (the host script and
 * `sha256sum -c` read paths line by line).
 */
export function bundlePathProblem(path: string): string | null {
  if (!path) return 'empty path';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return 'control characters and backslashes are not allowed in DAG file names';
  if (path.startsWith('/')) return 'absolute path';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'empty, "." or ".." path segment';
  return null;
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Paths of a manifest in canonical (byte) order. */
export function sortedPaths(manifest: DagManifest): string[] {
  return Object.keys(manifest.files).sort(byteCompare);
}

export function manifestLine(path: string, e: ManifestEntry): string {
  return `${path}\t${e.sha256}\t${(e.mode ?? 0o644).toString(8)}\t${e.size}`;
}

/** The canonical text the digest is computed from (also what the host stores). */
export function canonicalManifest(manifest: DagManifest): string {
  return sortedPaths(manifest)
    .map((p) => `${manifestLine(p, manifest.files[p])}\n`)
    .join('');
}

/** sha256 of the canonical manifest text: depends on content, never on tar bytes or mtimes. */
export function bundleDigest(manifest: DagManifest): string {
  return sha256Hex(canonicalManifest(manifest));
}

/** Parses canonical manifest text; throws on a malformed line (message names the line). */
export function parseManifest(text: string): DagManifest {
  const files: DagManifest['files'] = {};
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '' && i === lines.length - 1) return;
    const m = /^([^\t]+)\t([0-9a-f]{64})\t([0-7]{3,4})\t(\d+)$/.exec(line);
    if (!m) throw new Error(`manifest line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}`);
    files[m[1]] = { sha256: m[2], mode: parseInt(m[3], 8), size: Number(m[4]) };
  });
  return { files };
}

export interface ManifestDiff {
  added: string[];
  removed: string[];
  /** Content or mode differs. */
  changed: string[];
  unchanged: string[];
}

/** What changes from one manifest to another (paths in canonical order). */
export function diffManifests(opts: { from: DagManifest; to: DagManifest }): ManifestDiff {
  const { from, to } = opts;
  const out: ManifestDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const p of sortedPaths(to)) {
    const a = from.files[p];
    const b = to.files[p];
    if (!a) out.added.push(p);
    else if (a.sha256 !== b.sha256 || (a.mode ?? 0o644) !== (b.mode ?? 0o644)) out.changed.push(p);
    else out.unchanged.push(p);
  }
  for (const p of sortedPaths(from)) if (!to.files[p]) out.removed.push(p);
  return out;
}
