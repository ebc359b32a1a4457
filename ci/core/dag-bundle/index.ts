/** DAG bundles: manifest and digest, `.airflowignore` matching, delta planning, tarballs. Pure. */
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
