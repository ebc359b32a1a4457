/** The embedded DAG bundle store: the folder `build` packs into (`.dataship/bundles/`). */
import { stat } from 'node:fs/promises';
import { DataShipError } from '../../core/errors.js';
import type { BundleStore, DagManifest } from '../types.js';
import { readJson } from './files.js';

export function createLocalBundleStore(opts: { dir: string }): BundleStore {
  return {
    describe: () => opts.dir,
    async publish() {
      return 'present';
    },
    async fetch({ digest }) {
      const { bundleFiles } = await import('../../core/dag-bundle/index.js');
      const files = bundleFiles({ dir: opts.dir, digest });
      const manifest = await readJson<DagManifest>({ path: files.manifestPath });
      const tarOk = await stat(files.tarballPath).then(() => true, () => false);
      if (!manifest || !tarOk) {
        throw new DataShipError({
          code: 'ENOTFOUND',
          message: `DAG bundle ${digest} is not in ${opts.dir}`,
          operation: 'load DAG bundle',
          hint: 'run `dataship build` on the commit of this release first',
        });
      }
      return { digest, manifest, tarballPath: files.tarballPath };
    },
  };
}
