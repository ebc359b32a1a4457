/**
 * Embedded environment pointers: `.dataship/pointers/<env>.json` holds every move, newest last, with
 * a version number like an SSM parameter's.
 */
import { join } from 'node:path';
import type { PointerMove } from '../../core/release.js';
import type { PointerStore } from '../types.js';
import { readJson, writeJsonAtomic } from './files.js';

interface PointerFile {
  env: string;
  moves: PointerMove[];
}

export function createLocalPointerStore(opts: { dir: string; now?: () => Date }): PointerStore {
  const now = opts.now ?? (() => new Date());
  const file = (env: string) => join(opts.dir, `${env}.json`);
  const load = async (env: string) => (await readJson<PointerFile>({ path: file(env) })) ?? { env, moves: [] };
  return {
    async current(env) {
      const { moves } = await load(env);
      return moves[moves.length - 1] ?? null;
    },
    async move({ env, releaseId, by, action, runId, note }) {
      const data = await load(env);
      const prev = data.moves[data.moves.length - 1];
      const move: PointerMove = {
        env,
        releaseId,
        previousReleaseId: prev?.releaseId ?? null,
        at: now().toISOString(),
        by,
        action,
        runId,
        ...(note ? { note } : {}),
        version: (prev?.version ?? 0) + 1,
      };
      data.moves.push(move);
      await writeJsonAtomic({ path: file(env), value: data });
      return move;
    },
    async history(env) {
      return [...(await load(env)).moves].reverse();
    },
  };
}
