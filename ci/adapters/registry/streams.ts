/** Stream helpers for blob transfers: progress reporting and digest verification. */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';

/** Counts bytes through a stream and reports progress (throttled). */
export function withProgress(opts: { stream: Readable; total: number; label: string; logger: Logger }): Readable {
  let done = 0;
  let last = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      const now = Date.now();
      if (now - last > 200 || done === opts.total) {
        last = now;
        opts.logger.progress(opts.label, done, opts.total);
      }
      cb(null, chunk);
    },
  });
  opts.stream.on('error', (err) => counter.destroy(err));
  // When the request is abandoned (a fault, a retry), close the source too: no leaked descriptors.
  counter.on('close', () => opts.stream.destroy());
  return opts.stream.pipe(counter);
}

/** Verifies a blob's digest as it streams; fails the stream at its end on a mismatch. */
export function verifying(stream: Readable, digest: string): Readable {
  const hash = createHash('sha256');
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const got = `sha256:${hash.digest('hex')}`;
      cb(got === digest ? null : new DataShipError({ code: 'EREGISTRY', message: `blob ${digest} arrived with digest ${got}` }));
    },
  });
  stream.on('error', (err) => t.destroy(err));
  t.on('close', () => stream.destroy());
  return stream.pipe(t);
}
