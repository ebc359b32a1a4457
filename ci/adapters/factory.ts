/**
 * Chooses adapter implementations from the configuration. `--local` makes every backend embedded.
 * Implementations load lazily, so a command pays only for the backends it touches.
 */
import { DataShipError } from '../core/errors.js';
import { previewNumber } from '../core/previews.js';
import type { DataShipConfig, EnvironmentConfig } from '../core/config/model.js';
import type { Logger } from '../core/types.js';
import { lazy } from './lazy.js';
import { statePaths } from './state-paths.js';
import type { Adapters, BundleStore, DagHost, DbtRunner, ImagePublisher, PointerStore, ReleaseStore, Warehouse } from './types.js';

export interface FactoryOptions {
  cwd: string;
  config: DataShipConfig;
  env: Record<string, string | undefined>;
  logger: Logger;
  local: boolean;
  /** Registers credentials the adapters obtain (ECR passwords, bearer tokens) for redaction. */
  onSecret?: (secret: string) => void;
}

export function environmentOf(opts: { config: DataShipConfig; env: string }): EnvironmentConfig {
  const found = opts.config.environments[opts.env];
  if (found) return found;
  const preview = opts.config.previews;
  if (preview && previewNumber({ pattern: preview.pattern, env: opts.env }) !== null && opts.config.environments[preview.from]) {
    return opts.config.environments[preview.from];
  }
  throw new DataShipError({
    code: 'EUSAGE',
    message: `unknown environment "${opts.env}"`,
    hint: `environments in the configuration: ${Object.keys(opts.config.environments).join(', ')}`,
  });
}

function notYet(what: string): never {
  throw new DataShipError({
    code: 'ECONFIG',
    message: `${what} is not available in this version of dataship`,
    hint: 'use --local for the embedded backend',
  });
}

export function createAdapters(opts: FactoryOptions): Adapters {
  const paths = statePaths({ cwd: opts.cwd });
  const { config, logger } = opts;
  const backendOf = (env: string) => (opts.local ? 'local' : environmentOf({ config, env }).backend);
  const anyAws = !opts.local && Object.values(config.environments).some((e) => e.backend === 'aws');

  const awsClient = () => ({ region: config.aws?.region ?? opts.env.AWS_REGION ?? 'us-east-1', endpoint: config.aws?.endpoint ?? opts.env.AWS_ENDPOINT_URL });
  const requireAws = (key: 'releaseBucket'): string => {
    const v = config.aws?.[key];
    if (!v) throw new DataShipError({ code: 'ECONFIG', message: `aws.${key} is required for the AWS backends`, location: { file: 'dataship.yaml' }, hint: `set aws.${key} in dataship.yaml, or use --local` });
    return v;
  };
  const releases: ReleaseStore = lazy({
    describe: anyAws ? 'S3 release store' : `${paths.releases}`,
    load: async () => {
      if (anyAws) {
        const { createS3ReleaseStore } = await import('./aws/s3-release-store.js');
        return createS3ReleaseStore({ ...awsClient(), bucket: requireAws('releaseBucket') });
      }
      const { createLocalReleaseStore } = await import('./local/release-store.js');
      return createLocalReleaseStore({ dir: paths.releases });
    },
  });
  const pointers: PointerStore = lazy({
    describe: anyAws ? 'SSM parameter pointers' : `${paths.pointers}`,
    load: async () => {
      if (anyAws) {
        const { createSsmPointerStore } = await import('./aws/ssm-pointer-store.js');
        return createSsmPointerStore({ ...awsClient(), prefix: config.aws?.pointerPrefix ?? `/dataship/${config.project.name}` });
      }
      const { createLocalPointerStore } = await import('./local/pointer-store.js');
      return createLocalPointerStore({ dir: paths.pointers });
    },
  });
  const images: ImagePublisher = lazy({
    describe: anyAws ? `registry ${config.image.registry?.url ?? 'ECR'}` : `OCI layout ${paths.registry}`,
    load: async () => {
      const mod = await import('./images/index.js');
      return mod.createImagePublisher({ cwd: opts.cwd, config, env: opts.env, logger, local: !anyAws, layoutDir: paths.registry, onSecret: opts.onSecret });
    },
  });
  const bundles: BundleStore = lazy({
    describe: anyAws ? 'S3 bundle store' : paths.bundles,
    load: async () => {
      if (anyAws) {
        const { createS3BundleStore } = await import('./aws/s3-bundle-store.js');
        return createS3BundleStore({ ...awsClient(), bucket: requireAws('releaseBucket'), localDir: paths.bundles });
      }
      const { createLocalBundleStore } = await import('./local/bundle-store.js');
      return createLocalBundleStore({ dir: paths.bundles });
    },
  });
  const dbt: DbtRunner = lazy({
    describe: 'dbt on PATH',
    load: async () => {
      const { createLocalDbtRunner } = await import('./dbt/local-runner.js');
      return createLocalDbtRunner({ logger, env: opts.env });
    },
  });
  const hosts = new Map<string, DagHost>();
  const opened: Array<{ close?: () => Promise<void> | void }> = [];
  const warehouses = new Map<string, Warehouse>();
  return {
    async close() {
      await Promise.all(opened.map((h) => h.close?.()));
    },
    releases,
    pointers,
    images,
    bundles,
    dbt,
    dagHost(env) {
      let h = hosts.get(env);
      if (!h) {
        const envCfg = environmentOf({ config, env });
        const transport = backendOf(env) === 'local' ? 'local' : envCfg.airflowHost.transport;
        h = lazy<DagHost>({
          describe: transport === 'local' ? paths.host(env) : `${transport} host`,
          load: async () => {
            const mod = await import('./airflow-host/index.js');
            const host = await mod.createDagHost({
              transport,
              env,
              envConfig: envCfg,
              localRoot: paths.host(env),
              logger,
              processEnv: opts.env,
              awsRegion: config.aws?.region,
              awsEndpoint: config.aws?.endpoint,
              cwd: opts.cwd,
            });
            opened.push(host);
            return host;
          },
        });
        hosts.set(env, h);
      }
      return h;
    },
    warehouse(env) {
      let w = warehouses.get(env);
      if (!w) {
        const envCfg = environmentOf({ config, env });
        const local = backendOf(env) === 'local' || envCfg.warehouse.type === 'duckdb';
        w = lazy<Warehouse>({
          describe: local ? `DuckDB files in ${paths.warehouse}` : `Snowflake ${envCfg.warehouse.snowflake?.account}`,
          load: async () => {
            if (!local) notYet('the Snowflake warehouse adapter');
            const { createDuckdbWarehouse } = await import('./local/duckdb-warehouse.js');
            return createDuckdbWarehouse({ dir: paths.warehouse });
          },
        });
        warehouses.set(env, w);
      }
      return w;
    },
  };
}
