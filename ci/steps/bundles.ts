/** Finds a release's DAG bundle in the embedded bundle store (written by `build`). */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataShipError } from '../core/errors.js';
import type { RunContext } from '../core/types.js';
import type { DagBundleArtifact, DagManifest } from '../adapters/types.js';
import { statePaths } from '../adapters/state-paths.js';
import { readJson } from '../adapters/local/files.js';

export async function loadBundle(opts: { ctx: RunContext; digest: string }): Promise<DagBundleArtifact> {
  const { bundleFiles } = await import('../core/dag-bundle/index.js');
  const dir = statePaths({ cwd: opts.ctx.cwd }).bundles;
  const files = bundleFiles({ dir, digest: opts.digest });
  const manifest = await readJson<DagManifest>({ path: files.manifestPath });
  const tarOk = await stat(files.tarballPath).then(() => true, () => false);
  if (!manifest || !tarOk) {
    throw new DataShipError({
      code: 'ENOTFOUND',
      message: `DAG bundle ${opts.digest} is not in ${dir}`,
      operation: 'load DAG bundle',
      hint: 'run `dataship build` on the commit of this release first',
    });
  }
  return { digest: opts.digest, manifest, tarballPath: files.tarballPath };
}

