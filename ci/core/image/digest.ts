/** sha256 digests and byte-wise ordering for images. Pure functions. */
import { sha256Digest } from '../hash.js';

export { sha256Digest };

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(ref: string): boolean {
  return DIGEST_RE.test(ref);
}

/** The hex part of a `sha256:` digest. */
export function digestHex(digest: string): string {
  if (!isDigest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
  return digest.slice('sha256:'.length);
}

/** Byte-wise comparison of strings (UTF-8), independent of locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
