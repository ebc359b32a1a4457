/**
 * The small interfaces behind which all I/O lives. Steps are written against these only; the
 * factory (`factory.ts`) picks implementations from the configuration (embedded or AWS).
 */
import type { PointerMove, Release } from '../core/release.js';

/** Immutable release records (embedded: `.dataship/releases/`; AWS: S3). */
export interface ReleaseStore {
  get(id: string): Promise<Release | null>;
  /** Writes a release once; writing the same id again is a no-op and returns false. */
  put(release: Release): Promise<boolean>;
  list(): Promise<Release[]>;
  /** Attests a check result for a release (release content stays immutable; checks accumulate). */
  addCheck(opts: { releaseId: string; key: string; check: Release['checks'][string] }): Promise<void>;
}

/** Environment pointers with history (embedded: JSON files; AWS: SSM parameter versions). */
export interface PointerStore {
  current(env: string): Promise<PointerMove | null>;
  move(opts: { env: string; releaseId: string; by: string; action: PointerMove['action']; runId?: string; note?: string }): Promise<PointerMove>;
  /** Newest first. */
  history(env: string): Promise<PointerMove[]>;
}

/** Result of making an environment's layer match a release. */
export interface LayerChange {
  status: 'changed' | 'unchanged';
  summary: string;
  details?: Record<string, unknown>;
}

/** The DAG side of an Airflow host (issue 5 implements local, ssh and ssm transports). */
export interface DagHost {
  describe(): string;
  /** Digest of the bundle `current` points at, or null when nothing is deployed. */
  currentDigest(): Promise<string | null>;
  /** Unpacks, compiles and atomically switches to the bundle; a no-op when it is already current. */
  deploy(opts: { bundle: DagBundleArtifact; keep: number }): Promise<LayerChange>;
  /** Switches `current` back to a bundle that is still on the host. */
  activate(opts: { bundleDigest: string }): Promise<LayerChange>;
  /** Compares the host's `current` with the manifest of the release it should run. */
  drift(opts: { manifest: DagManifest }): Promise<DagDrift>;
}

export interface DagManifest {
  /** path → { sha256, size, mode } */
  files: Record<string, { sha256: string; size: number; mode?: number }>;
}

export interface DagBundleArtifact {
  digest: string;
  manifest: DagManifest;
  /** Path of the bundle tarball on the local disk. */
  tarballPath: string;
}

/** Where DAG bundles are kept between build and deploy (embedded: local folder; AWS: S3). */
export interface BundleStore {
  describe(): string;
  /** Keeps a packed bundle where other runs find it; `present` when it was already there. */
  publish(opts: { bundle: DagBundleArtifact }): Promise<'stored' | 'present'>;
  /** Makes a bundle available on the local disk, downloading and verifying it when needed. */
  fetch(opts: { digest: string }): Promise<DagBundleArtifact>;
}

export interface DagDrift {
  added: string[];
  removed: string[];
  changed: string[];
}

/** A warehouse environment (embedded: DuckDB file; AWS: Snowflake). */
export interface Warehouse {
  describe(): string;
  /** Clones `from` into `to` (Snowflake zero-copy clone; DuckDB file copy). */
  clone(opts: { from: string; to: string }): Promise<LayerChange>;
  swap(opts: { a: string; b: string }): Promise<LayerChange>;
  drop(opts: { name: string }): Promise<LayerChange>;
  exists(opts: { name: string }): Promise<boolean>;
}

/** Result of one dbt invocation, parsed from its artifacts. */
export interface DbtRun {
  status: 'ran' | 'skipped';
  reason?: string;
  exitCode?: number;
  runResultsPath?: string;
  manifestPath?: string;
}

export interface DbtRunner {
  describe(): string;
  /** Whether dbt can run here; the reason when it cannot, with the install command. */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  run(opts: { args: string[]; target: string; projectDir: string; env?: Record<string, string>; artifactsDir: string }): Promise<DbtRun>;
}

/** What the build step needs from the image layer (issue 4). */
export interface ImageBuildResult {
  repository: string;
  digest: string;
  runtimeDigest: string | null;
  runtimeTag: string;
  status: 'changed' | 'unchanged';
  summary: string;
  bytesUploaded: number;
  details?: Record<string, unknown>;
}

export interface ImagePublisher {
  describe(): string;
  /** Builds (if needed) the runtime image and appends the dbt project layer; pushes only missing blobs. */
  build(opts: {
    dbtDir: string;
    runtimeInputs: string[];
    labels: Record<string, string>;
    releaseId: string;
  }): Promise<ImageBuildResult>;
  /** Points an environment tag at a digest already in the registry; never rebuilds. */
  tag(opts: { digest: string; tag: string }): Promise<LayerChange>;
  /** Resolves a tag to a digest, or null. */
  resolve(opts: { tag: string }): Promise<string | null>;
}

export interface Adapters {
  /** Releases connections the adapters opened (SSH masters, clients). */
  close(): Promise<void>;
  releases: ReleaseStore;
  pointers: PointerStore;
  images: ImagePublisher;
  bundles: BundleStore;
  dagHost(env: string): DagHost;
  warehouse(env: string): Warehouse;
  dbt: DbtRunner;
}
