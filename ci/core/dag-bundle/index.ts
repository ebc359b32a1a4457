/**
 * DAG bundles: manifest and digest, `.airflowignore` matching, delta planning, tarballs (pure), and
 * packing a DAG folder into a bundle store (pack.ts, the one module here that touches the disk).
 */
export {
  bundleDigest,
  bundlePathProblem,
  canonicalManifest,
  diffManifests,
  manifestLine,
  normaliseMode,
  parseManifest,
  sha256Hex,
  sortedPaths,
  type DagManifest,
  type ManifestDiff,
  type ManifestEntry,
} from './manifest.js';
export { isIgnored, isNotNeededByAirflow, parseIgnoreFile, wildmatchToRegex, type IgnoreRule, type IgnoreSyntax, type IgnoreWarning } from './airflowignore.js';
export { compactListing, LISTING_PREFIX_CHARS, parseCompactListing, planDelta, type CompactEntry, type DeltaPlan } from './delta.js';
export { buildTarGz, readTarGz, type TarFile } from './tarball.js';
export { importedTopLevelNames } from './imports.js';
export { bundleFiles, packDagBundle, type PackedDagBundle } from './pack.js';
