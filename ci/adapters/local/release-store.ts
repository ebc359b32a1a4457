/** Embedded release store: one immutable JSON file per release under `.dataship/releases/`. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Release } from '../../core/release.js';
import type { ReleaseStore } from '../types.js';
import { readJson, writeJsonAtomic } from './files.js';

type Checks = Release['checks'];

export function createLocalReleaseStore(opts: { dir: string }): ReleaseStore {
  const file = (id: string) => join(opts.dir, `${id}.json`);
  const checksFile = (id: string) => join(opts.dir, `${id}.checks.json`);
  const store: ReleaseStore = {
    async get(id) {
      const release = await readJson<Release>({ path: file(id) });
      if (!release) return null;
      const checks = (await readJson<Checks>({ path: checksFile(id) })) ?? {};
      return { ...release, checks: { ...release.checks, ...checks } };
    },
    async put(release) {
      if (await readJson<Release>({ path: file(release.id) })) return false;
      await writeJsonAtomic({ path: file(release.id), value: { ...release, checks: {} } });
      return true;
    },
    async list() {
      let names: string[] = [];
      try {
        names = await readdir(opts.dir);
      } catch {
        return [];
      }
      const ids = names.filter((n) => n.endsWith('.json') && !n.endsWith('.checks.json')).map((n) => n.slice(0, -5));
      const all = await Promise.all(ids.map((id) => store.get(id)));
      return all.filter((r): r is Release => r !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async addCheck({ releaseId, key, check }) {
      const checks = (await readJson<Checks>({ path: checksFile(releaseId) })) ?? {};
      checks[key] = check;
      await writeJsonAtomic({ path: checksFile(releaseId), value: checks });
    },
  };
  return store;
}
