/**
 * What a release is made of, read from the working tree: the dbt project's digest, the DAG bundle
 * and the runtime image's inputs. Shared by `build` (to make a release) and by `plan`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataShipError } from '../core/errors.js';
import { releaseIdFor } from '../core/release.js';
import type { RunContext } from '../core/types.js';
import type { DagBundleArtifact } from '../adapters/types.js';
import { treeDigest } from '../adapters/local/tree-digest.js';
import { statePaths } from '../adapters/state-paths.js';

/** Folders of a dbt project that are build output, never inputs. */
export const DBT_EXCLUDES = ['target', 'dbt_packages', 'logs', '.user.yml', '__pycache__'];

export interface ReleaseInputs {
  releaseId: string;
  dbtDir: string;
  dagsDir: string;
  projectDigest: string;
  runtimeInputs: string[];
  runtimeInputsDigest: string;
  bundle: DagBundleArtifact;
}

export async function readReleaseInputs(opts: { ctx: RunContext; bundleDir?: string }): Promise<ReleaseInputs> {
  const { ctx } = opts;
  const dbtDir = join(ctx.cwd, ctx.config.project.dbtDir);
  const dagsDir = join(ctx.cwd, ctx.config.project.dagsDir);
  const runtimeInputs = ctx.config.image.runtimeInputs.map((p) => join(ctx.cwd, p));
  const files = await Promise.all(
    ctx.config.image.runtimeInputs.map(async (path) => {
      try {
        return { path, content: await readFile(join(ctx.cwd, path)) };
      } catch (err) {
        throw new DataShipError({
          code: 'EINPUT',
          message: `runtime image input ${path} cannot be read`,
          operation: 'read runtime image inputs',
          hint: 'image.runtimeInputs in dataship.yaml lists files relative to the repository root',
          location: { file: ctx.configPath },
          cause: err,
        });
      }
    }),
  );
  const [{ runtimeInputsDigest }, { packDagBundle }] = await Promise.all([import('../core/image/runtime-inputs.js'), import('../core/dag-bundle/index.js')]);
  const project = await treeDigest({ dir: dbtDir, exclude: DBT_EXCLUDES }).catch((err) => {
    throw new DataShipError({ code: 'EINPUT', message: `dbt project ${ctx.config.project.dbtDir} cannot be read`, cause: err, hint: 'project.dbtDir in dataship.yaml' });
  });
  const bundle = await packDagBundle({ dir: dagsDir, outDir: opts.bundleDir ?? statePaths({ cwd: ctx.cwd }).bundles });
  const rtDigest = runtimeInputsDigest({ files });
  return {
    releaseId: releaseIdFor({ dbtProjectDigest: project.digest, dagBundleDigest: bundle.digest, runtimeInputsDigest: rtDigest }),
    dbtDir,
    dagsDir,
    projectDigest: project.digest,
    runtimeInputs,
    runtimeInputsDigest: rtDigest,
    bundle,
  };
}
