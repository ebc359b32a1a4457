/**
 * The delta protocol's pure half. The host lists the release `current` points at compactly (path,
 * the first 8 hex characters of each sha256, mode); the client sends only the files whose entry
 * differs, plus a patch from which the host rebuilds the full new manifest and checks it against
 * the bundle digest. A short prefix is enough: if two different contents shared a prefix, the
 * rebuilt manifest's digest would not match and the host would ask for the full bundle.
 */
import { manifestLine, sortedPaths, type DagManifest } from './manifest.js';

export const LISTING_PREFIX_CHARS = 8;

export interface CompactEntry {
  shaPrefix: string;
  mode: number;
}

/** Parses the host's compact listing: `path TAB sha256-prefix TAB mode` per line. */
export function parseCompactListing(text: string): Map<string, CompactEntry> {
  const out = new Map<string, CompactEntry>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split('\t');
    if (parts.length !== 3 || !/^[0-9a-f]+$/.test(parts[1]) || !/^[0-7]+$/.test(parts[2])) {
      throw new Error(`malformed listing line: ${JSON.stringify(line.slice(0, 120))}`);
    }
    out.set(parts[0], { shaPrefix: parts[1], mode: parseInt(parts[2], 8) });
  }
  return out;
}

/** The compact listing of a manifest (what the host would print for it). */
export function compactListing(manifest: DagManifest): string {
  return sortedPaths(manifest)
    .map((p) => {
      const e = manifest.files[p];
      return `${p}\t${e.sha256.slice(0, LISTING_PREFIX_CHARS)}\t${(e.mode ?? 0o644).toString(8)}\n`;
    })
    .join('');
}

export interface DeltaPlan {
  /** Files that must travel (added or changed). */
  send: string[];
  /** Files the host removes. */
  removed: string[];
  /** Files the host hard-links from the base release. */
  linked: number;
  /** The patch the host applies to the base manifest: `+<manifest line>` and `-<path>` lines. */
  patch: string;
}

export function planDelta(opts: { base: Map<string, CompactEntry>; to: DagManifest }): DeltaPlan {
  const { base, to } = opts;
  const send: string[] = [];
  let linked = 0;
  for (const p of sortedPaths(to)) {
    const b = base.get(p);
    const e = to.files[p];
    if (b && e.sha256.startsWith(b.shaPrefix) && b.shaPrefix.length >= LISTING_PREFIX_CHARS && b.mode === (e.mode ?? 0o644)) linked++;
    else send.push(p);
  }
  const removed = [...base.keys()].filter((p) => !to.files[p]).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const patch = [...send.map((p) => `+${manifestLine(p, to.files[p])}\n`), ...removed.map((p) => `-${p}\n`)].join('');
  return { send, removed, linked, patch };
}
