/**
 * The runtime image's identity: a hash of its build inputs (Dockerfile, requirements, dbt
 * packages.yml) and the `runtime-<hash>` tag it gives. Pure functions.
 */
import { createHash } from 'node:crypto';
import { compareBytes, digestHex } from './digest.js';

export interface RuntimeInputFile {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  content: string | Uint8Array;
}

/**
 * Digest of the runtime image's build inputs (Dockerfile, requirements, packages.yml): sha256 over
 * `path NUL length NUL content` of every file, in byte-wise path order. Paths must be relative
 * to the repository root with `/` separators, so every machine and checkout gives the same value.
 */
export function runtimeInputsDigest(opts: { files: RuntimeInputFile[] }): string {
  const files = [...opts.files].map((f) => ({ path: f.path.replace(/\\/g, '/').replace(/^\.\//, ''), content: f.content }));
  files.sort((a, b) => compareBytes(a.path, b.path));
  const seen = new Set<string>();
  const hash = createHash('sha256');
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`runtime input listed twice: ${f.path}`);
    seen.add(f.path);
    const content = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
    hash.update(f.path, 'utf8');
    hash.update('\0');
    hash.update(String(content.length));
    hash.update('\0');
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** `runtime-` + the first 16 hex characters of the runtime-inputs digest. */
export function runtimeTagFor(opts: { inputsDigest: string }): string {
  return `runtime-${digestHex(opts.inputsDigest).slice(0, 16)}`;
}
