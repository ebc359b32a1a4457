/**
 * What a release is made of, read from the working tree: the dbt project's digest, the DAG bundle
 * and the runtime image's inputs. Shared by `build` (to make a release) and by `plan`.
 */
import { join } from 'node:path';
import { releaseIdFor } from '../core/release.js';
import type { RunContext } from '../core/types.js';
import type { DagBundleArtifact } from '../adapters/types.js';
import { statePaths } from '../adapters/state-paths.js';

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
  // The same readers and digests the image build uses, so the release and its image agree on content.
  const [{ runtimeInputsDigest }, { packDagBundle }, { dbtProjectDigest, readRuntimeInputs }] = await Promise.all([
    import('../core/image/runtime-inputs.js'),
    import('../core/dag-bundle/index.js'),
    import('../adapters/images/code-layer.js'),
  ]);
  const files = await readRuntimeInputs({ cwd: ctx.cwd, paths: ctx.config.image.runtimeInputs });
  const projectDigest = await dbtProjectDigest({ dir: dbtDir });
  const bundle = await packDagBundle({ dir: dagsDir, outDir: opts.bundleDir ?? statePaths({ cwd: ctx.cwd }).bundles });
  const rtDigest = runtimeInputsDigest({ files });
  return {
    releaseId: releaseIdFor({ dbtProjectDigest: projectDigest, dagBundleDigest: bundle.digest, runtimeInputsDigest: rtDigest }),
    dbtDir,
    dagsDir,
    projectDigest,
    runtimeInputs,
    runtimeInputsDigest: rtDigest,
    bundle,
  };
}
