/**
 * The release model: one immutable record across image, DAGs, dbt state and warehouse, with an id
 * derived from its content.
 */
import { sha256Hex } from './hash.js';

export interface Release {
  /** Content-derived: the same dbt project, DAG bundle and runtime inputs give the same id. */
  id: string;
  gitSha: string;
  createdAt: string;
  createdBy?: string;
  image: {
    repository: string;
    /** Digest of the code image (runtime image + the dbt project layer). */
    digest: string | null;
    /** Digest of the runtime image it was built on, when one was built or found. */
    runtimeDigest: string | null;
    /** Tag of the runtime image: `runtime-<hash of its inputs>`. */
    runtimeTag?: string;
  };
  dags: { bundleDigest: string; files: number };
  dbt: { projectDigest: string; manifestDigest?: string | null };
  /** Check attestations keyed `<env>/<check>`: what was tested, where, with which image digest. */
  checks: Record<string, CheckAttestation>;
}

export interface CheckAttestation {
  status: 'pass' | 'warn' | 'fail' | 'error' | 'skipped';
  summary?: string;
  at?: string;
  /** The image digest the check ran against. */
  digest?: string | null;
  runId?: string;
  warnings?: number;
}

/** The fields the id is derived from. */
export interface ReleaseContent {
  dbtProjectDigest: string;
  dagBundleDigest: string;
  runtimeInputsDigest: string;
}


/** `r-` + 16 hex characters of the sha256 of the content digests, in a fixed order. */
export function releaseIdFor(content: ReleaseContent): string {
  const canonical = JSON.stringify([content.dbtProjectDigest, content.dagBundleDigest, content.runtimeInputsDigest]);
  return `r-${sha256Hex(canonical).slice(0, 16)}`;
}

/** One move of an environment pointer. */
export interface PointerMove {
  env: string;
  releaseId: string;
  previousReleaseId: string | null;
  at: string;
  by: string;
  action: 'deploy' | 'promote' | 'rollback';
  runId?: string;
  /** Why, when a person had to say: a gate override's reason. */
  note?: string;
  /** Version number in the store (SSM parameter version locally emulated). */
  version: number;
}

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '-';
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
