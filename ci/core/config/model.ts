/**
 * The configuration model: what `dataship.yaml` holds once validated against
 * `schema/dataship.schema.json`. Secret-bearing fields hold references (`env:NAME`, `ssm:/path`),
 * never values; they are resolved only when used.
 */

export type SecretRef = string;

export interface AirflowHostConfig {
  transport: 'local' | 'ssh' | 'ssm';
  /** Root on the host: `<root>/releases/<digest>/`, `<root>/current`. */
  root?: string;
  keep?: number;
  ssh?: { host: string; port?: number; user?: string; identityFile: string; knownHostsFile: string };
  ssm?: { instanceId: string; bucket: string; prefix?: string; timeoutSeconds?: number };
}

export interface WarehouseConfig {
  type: 'duckdb' | 'snowflake';
  database: string;
  path?: string;
  snowflake?: {
    account: string;
    user: string;
    role?: string;
    warehouse?: string;
    privateKey?: SecretRef;
    password?: SecretRef;
    accessUrl?: string;
  };
}

export interface DbtEnvConfig {
  target: string;
  runner?: 'local' | 'ecs';
  /** dbt command the test step runs. */
  command?: string[];
  ecs?: { cluster: string; taskDefinition: string; subnets: string[]; securityGroups: string[]; container?: string };
}

export interface EnvironmentConfig {
  backend: 'local' | 'aws';
  description?: string;
  /** Environment tag moved in the registry when this environment gets a release. */
  imageTag?: string;
  /** Promotion into this environment must pass the gate from this environment. */
  promoteFrom?: string;
  /** Requires an approval in the CI host (Jenkins input / GitHub environment). */
  protected?: boolean;
  airflowHost: AirflowHostConfig;
  warehouse: WarehouseConfig;
  dbt: DbtEnvConfig;
}

export interface GateConfig {
  /** The digest promoted must be the digest tested in the source environment. */
  requireTestedDigest: boolean;
  /** Checks that must have passed in the source environment. */
  requiredChecks: string[];
  /** When false, a skipped check (e.g. dbt not installed) refuses promotion. */
  allowSkipped: boolean;
  maxWarnings?: number;
}

export interface NotificationsConfig {
  slack?: { webhookUrl: SecretRef; on?: Array<'success' | 'failure'> };
  github?: { token?: SecretRef; comment?: boolean; summary?: boolean };
  sns?: { topicArn: string; on?: Array<'success' | 'failure'> };
  junit?: { path?: string };
  html?: { path?: string };
}

export interface DataShipConfig {
  version: 1;
  project: { name: string; dbtDir: string; dagsDir: string; terraformDir?: string };
  image: {
    repository: string;
    dockerfile: string;
    runtimeInputs: string[];
    builder: 'auto' | 'buildah' | 'docker' | 'podman' | 'none';
    registry?: { url?: string; ecr?: boolean };
  };
  aws?: { region: string; accountId?: string; releaseBucket?: string; pointerPrefix?: string; endpoint?: string };
  environments: Record<string, EnvironmentConfig>;
  previews?: { pattern: string; from: string; ttlHours?: number };
  gate: GateConfig;
  notifications?: NotificationsConfig;
  /** Every secret reference the configuration holds, by key path (filled in by the loader). */
  secretRefs?: Record<string, SecretRef>;
}
