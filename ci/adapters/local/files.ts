/** Small file helpers for the embedded backends: atomic JSON writes and tolerant reads. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataShipError } from '../../core/errors.js';

/** Writes JSON through a temp file and rename, so a reader never sees half a file. */
export async function writeJsonAtomic(opts: { path: string; value: unknown }): Promise<void> {
  await mkdir(dirname(opts.path), { recursive: true });
  const tmp = `${opts.path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(opts.value, null, 2)}\n`);
  await rename(tmp, opts.path);
}

/** Reads JSON, or returns null when the file does not exist; a corrupt file is an input error. */
export async function readJson<T>(opts: { path: string }): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(opts.path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DataShipError({
      code: 'EINPUT',
      message: `${opts.path} is not valid JSON`,
      operation: 'read state',
      hint: 'the embedded state under .dataship/ was edited or truncated; restore it or remove the file',
      location: { file: opts.path },
      cause: err,
    });
  }
}
