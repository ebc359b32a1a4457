/**
 * Packs a DAG folder into a deterministic bundle: `<outDir>/<digest>.tar.gz` (layout in
 * tarball.ts) and its manifest `<outDir>/<digest>.manifest.json` (see bundleFiles). The only
 * module of core/dag-bundle that touches the disk: it reads the folder and writes the bundle. The walk follows Airflow's: symlinks are followed (a loop is an
 * error), `.airflowignore` rules apply as Airflow applies them, and files Airflow never needs
 * (airflowignore.ts: isNotNeededByAirflow) stay out. `.airflowignore` files
 * themselves are kept. One exception to `.airflowignore`: a top-level helper package or module it
 * lists (as Airflow's docs advise, so the processor does not scan it for DAGs) is kept when the
 * bundle's Python files import it — DAGs import such packages from the DAG folder at run time.
 */
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DagBundleArtifact, DagManifest } from '../../adapters/types.js';
import { DataShipError } from '../errors.js';
import { isIgnored, isNotNeededByAirflow, parseIgnoreFile, type IgnoreRule, type IgnoreSyntax, type IgnoreWarning } from './airflowignore.js';
import { bundleDigest, bundlePathProblem, canonicalManifest, normaliseMode, sha256Hex, sortedPaths } from './manifest.js';
import { importedTopLevelNames } from './imports.js';
import { buildTarGz } from './tarball.js';

/** Where a bundle and its manifest live in a bundle store folder. */
export function bundleFiles(opts: { dir: string; digest: string }): { tarballPath: string; manifestPath: string } {
  return { tarballPath: join(opts.dir, `${opts.digest}.tar.gz`), manifestPath: join(opts.dir, `${opts.digest}.manifest.json`) };
}

export interface PackedDagBundle extends DagBundleArtifact {
  /** Paths left out: `.airflowignore` matches and files Airflow does not need. */
  excluded: string[];
  /** Files and folders .airflowignore matches but kept: they belong to a top-level package or
   * module that the bundle's Python files import. */
  keptForImports: string[];
  warnings: IgnoreWarning[];
  bytes: number;
}

export async function packDagBundle(opts: { dir: string; outDir: string; ignoreSyntax?: IgnoreSyntax }): Promise<PackedDagBundle> {
  const syntax = opts.ignoreSyntax ?? 'regexp';
  const st = await stat(opts.dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new DataShipError({ code: 'ENOTFOUND', message: `DAG folder ${opts.dir} does not exist`, operation: 'pack DAG bundle', hint: 'set the DAG folder in the dataship configuration' });
  }
  const files: Array<{ path: string; abs: string; mode: number }> = [];
  const excluded: string[] = [];
  const warnings: IgnoreWarning[] = [];
  const seen = new Set<string>();
  /** Entries .airflowignore leaves out: those under an imported top-level name come back. */
  const ignored: Array<{ rel: string; abs: string; isDir: boolean; mode: number }> = [];

  const walk = async (abs: string, rel: string, inherited: IgnoreRule[], force = false): Promise<void> => {
    const real = await realpath(abs);
    if (seen.has(real)) {
      throw new DataShipError({ code: 'EINPUT', message: `symlink loop in the DAG folder: ${rel || '.'} is reached twice (Airflow refuses this too)`, location: { file: join(opts.dir, rel) } });
    }
    seen.add(real);
    let rules = inherited;
    const ignoreText = force ? null : await readFile(join(abs, '.airflowignore'), 'utf8').catch(() => null);
    if (ignoreText !== null) {
      const parsed = parseIgnoreFile({ text: ignoreText, syntax, dir: rel, file: rel ? `${rel}/.airflowignore` : '.airflowignore' });
      rules = [...inherited, ...parsed.rules];
      warnings.push(...parsed.warnings);
    }
    const names = (await readdir(abs)).sort();
    const stats = await Promise.all(names.map((name) => stat(join(abs, name)).catch(() => null))); // follows symlinks, like Airflow's walk
    for (const [k, name] of names.entries()) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const cst = stats[k];
      if (!cst) {
        excluded.push(childRel); // dangling symlink
        continue;
      }
      const isDir = cst.isDirectory();
      if (!isDir && !cst.isFile()) continue;
      if (isNotNeededByAirflow({ name, isDir })) {
        excluded.push(isDir ? `${childRel}/` : childRel);
        continue;
      }
      if (!force && name !== '.airflowignore' && isIgnored({ rules, path: childRel, isDir })) {
        excluded.push(isDir ? `${childRel}/` : childRel);
        ignored.push({ rel: childRel, abs: childAbs, isDir, mode: cst.mode });
        continue;
      }
      if (isDir) await walk(childAbs, childRel, rules, force);
      else files.push({ path: childRel, abs: childAbs, mode: normaliseMode(cst.mode) });
    }
  };
  await walk(opts.dir, '', []);

  // Read every file; bring back helper packages the DAG files import (transitively).
  const contents = new Map<string, Buffer>();
  const imported = new Set<string>();
  const readNew = async () => {
    const fresh = files.filter((f) => !contents.has(f.path));
    for (let i = 0; i < fresh.length; i += 64) {
      const chunk = fresh.slice(i, i + 64);
      const bufs = await Promise.all(chunk.map((f) => readFile(f.abs)));
      chunk.forEach((f, k) => {
        contents.set(f.path, bufs[k]);
        if (f.path.endsWith('.py')) for (const n of importedTopLevelNames(bufs[k].toString('utf8'))) imported.add(n);
      });
    }
  };
  await readNew();
  const keptForImports: string[] = [];
  const topName = (rel: string) => rel.split('/')[0].replace(/\.py$/, '');
  for (;;) {
    const wanted = ignored.filter((e) => imported.has(topName(e.rel)) && (e.rel.includes('/') || e.isDir || e.rel.endsWith('.py')));
    if (!wanted.length) break;
    for (const e of wanted) {
      ignored.splice(ignored.indexOf(e), 1);
      const label = e.isDir ? `${e.rel}/` : e.rel;
      excluded.splice(excluded.indexOf(label), 1);
      keptForImports.push(label);
      if (e.isDir) await walk(e.abs, e.rel, [], true);
      else files.push({ path: e.rel, abs: e.abs, mode: normaliseMode(e.mode) });
    }
    await readNew();
  }

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
    const buf = contents.get(f.path)!;
    manifest.files[f.path] = { sha256: sha256Hex(buf), size: buf.length, mode: f.mode };
    data.set(f.path, { data: buf, mode: f.mode });
  }
  const digest = bundleDigest(manifest);
  const tarball = await buildTarGz([
    { name: 'manifest', data: Buffer.from(canonicalManifest(manifest)), mode: 0o644 },
    ...sortedPaths(manifest).map((p) => ({ name: `dags/${p}`, ...data.get(p)! })),
  ]);
  await mkdir(opts.outDir, { recursive: true });
  const { tarballPath, manifestPath } = bundleFiles({ dir: opts.outDir, digest });
  for (const [path, data] of [
    [manifestPath, `${JSON.stringify(manifest, null, 1)}\n`],
    [tarballPath, tarball],
  ] as const) {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }
  return { digest, manifest, tarballPath, excluded, keptForImports, warnings, bytes: tarball.length };
}
