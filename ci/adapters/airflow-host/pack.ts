/**
 * Packs a DAG folder into a deterministic bundle: `<outDir>/<digest>.tar.gz` (layout in
 * core/dag-bundle/tarball.ts). The walk follows Airflow's: symlinks are followed (a loop is an
 * error), `.airflowignore` rules apply as Airflow applies them, and files Airflow never needs
 * (core/dag-bundle/airflowignore.ts: isNotNeededByAirflow) stay out. `.airflowignore` files
 * themselves are kept.
 */
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DagBundleArtifact, DagManifest } from '../types.js';
import { DataShipError } from '../../core/errors.js';
import {
  buildTarGz,
  bundleDigest,
  bundlePathProblem,
  canonicalManifest,
  isIgnored,
  isNotNeededByAirflow,
  normaliseMode,
  parseIgnoreFile,
  sha256Hex,
  sortedPaths,
  type IgnoreRule,
  type IgnoreSyntax,
  type IgnoreWarning,
} from '../../core/dag-bundle/index.js';

export interface PackedDagBundle extends DagBundleArtifact {
  /** Paths left out: `.airflowignore` matches and files Airflow does not need. */
  excluded: string[];
  warnings: IgnoreWarning[];
  bytes: number;
}

export async function packDagBundle(opts: { dir: string; outDir: string; ignoreSyntax?: IgnoreSyntax }): Promise<PackedDagBundle> {
  const syntax = opts.ignoreSyntax ?? 'regexp';
  const st = await stat(opts.dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new DataShipError({ code: 'ENOTFOUND', message: `DAG folder ${opts.dir} does not exist`, operation: 'pack DAG bundle', hint: 'set the DAG folder in the dataship configuration' });
  }
  const files: Array<{ path: string; abs: string }> = [];
  const excluded: string[] = [];
  const warnings: IgnoreWarning[] = [];
  const seen = new Set<string>();

  const walk = async (abs: string, rel: string, inherited: IgnoreRule[]): Promise<void> => {
    const real = await realpath(abs);
    if (seen.has(real)) {
      throw new DataShipError({ code: 'EINPUT', message: `symlink loop in the DAG folder: ${rel || '.'} was reached twice`, location: { file: join(opts.dir, rel) } });
    }
    seen.add(real);
    let rules = inherited;
    const ignoreText = await readFile(join(abs, '.airflowignore'), 'utf8').catch(() => null);
    if (ignoreText !== null) {
      const parsed = parseIgnoreFile({ text: ignoreText, syntax, dir: rel, file: rel ? `${rel}/.airflowignore` : '.airflowignore' });
      rules = [...inherited, ...parsed.rules];
      warnings.push(...parsed.warnings);
    }
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const cst = await stat(childAbs).catch(() => null); // follows symlinks, like Airflow's walk
      if (!cst) {
        excluded.push(childRel); // dangling symlink
        continue;
      }
      const isDir = cst.isDirectory();
      if (!isDir && !cst.isFile()) continue;
      if (isNotNeededByAirflow({ name, isDir }) || (name !== '.airflowignore' && isIgnored({ rules, path: childRel, isDir }))) {
        excluded.push(isDir ? `${childRel}/` : childRel);
        continue;
      }
      if (isDir) await walk(childAbs, childRel, rules);
      else files.push({ path: childRel, abs: childAbs });
    }
  };
  await walk(opts.dir, '', []);

  const problems = files.map((f) => ({ f, problem: bundlePathProblem(f.path) })).filter((x) => x.problem);
  if (problems.length) {
    throw new DataShipError({
      code: 'EINPUT',
      message: `${problems.length} DAG file name(s) cannot be bundled`,
      problems: problems.map((x) => ({ message: x.problem!, location: { file: join(opts.dir, x.f.path) } })),
      hint: 'rename the files, or list them in .airflowignore',
    });
  }

  const manifest: DagManifest = { files: {} };
  const data = new Map<string, { data: Buffer; mode: number }>();
  for (const f of files) {
    const [buf, fst] = await Promise.all([readFile(f.abs), stat(f.abs)]);
    const mode = normaliseMode(fst.mode);
    manifest.files[f.path] = { sha256: sha256Hex(buf), size: buf.length, mode };
    data.set(f.path, { data: buf, mode });
  }
  const digest = bundleDigest(manifest);
  const tarball = await buildTarGz([
    { name: 'manifest', data: Buffer.from(canonicalManifest(manifest)), mode: 0o644 },
    ...sortedPaths(manifest).map((p) => ({ name: `dags/${p}`, ...data.get(p)! })),
  ]);
  await mkdir(opts.outDir, { recursive: true });
  const tarballPath = join(opts.outDir, `${digest}.tar.gz`);
  const tmp = `${tarballPath}.${process.pid}.tmp`;
  await writeFile(tmp, tarball);
  await rename(tmp, tarballPath);
  return { digest, manifest, tarballPath, excluded, warnings, bytes: tarball.length };
}
