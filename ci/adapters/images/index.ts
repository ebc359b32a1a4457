/**
 * Image publishers: the embedded OCI image layout (`.dataship/registry`) and an OCI registry
 * (optionally ECR, with its control plane for the repository and re-tagging). Nothing here loads
 * an AWS SDK at import time: the ECR client is imported on first use.
 */
import { join, resolve } from 'node:path';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import type { DataShipConfig } from '../../core/config/model.js';
import type { Platform } from '../../core/image/types.js';
import type { ImagePublisher } from '../types.js';
import { createRegistryClient, type RegistryClient } from '../registry/client.js';
import type { CredentialSource } from '../registry/auth.js';
import type { RetryPolicy } from '../registry/retry.js';
import { detectBuilder, type BuilderChoice, type BuilderPreference } from '../builder/detect.js';
import type { BuildahOptions, ContainerBuilder } from '../builder/builders.js';
import { createEcrControlPlane, type EcrControlPlane, type EcrOptions } from '../aws/ecr.js';
import { createStoreImagePublisher } from './publisher.js';
import { createLayoutStore } from './layout-store.js';
import { createRegistryStore } from './registry-store.js';
import type { ImageStore } from './store.js';

export { dbtProjectDigest, dbtProjectLayer, readRuntimeInputs } from './code-layer.js';
export { runtimeInputsDigest, runtimeTagFor } from '../../core/image/runtime-inputs.js';
export { createLayoutStore } from './layout-store.js';
export { createRegistryStore } from './registry-store.js';
export { copyImage, type ImageStore } from './store.js';
export { createStoreImagePublisher, type ImageControl } from './publisher.js';

/** What the two publishers share: the repository root, the builder, the cache. */
export interface CommonPublisherOptions {
  repository: string;
  /** Repository root; runtime input paths are relative to it. Default: process.cwd(). */
  cwd?: string;
  /** Default `<cwd>/.dataship/cache`. */
  cacheDir?: string;
  /** `auto` (default) detects buildah, podman, docker; or a builder instance; or `none`. */
  builder?: BuilderPreference | ContainerBuilder | null;
  buildah?: BuildahOptions;
  dockerfile?: string;
  contextDir?: string;
  platform?: Platform;
  logger: Logger;
}

function builderChooser(opts: CommonPublisherOptions): () => Promise<BuilderChoice> {
  let choice: Promise<BuilderChoice> | undefined;
  const b = opts.builder;
  return () => {
    if (b && typeof b === 'object') return Promise.resolve({ builder: b });
    if (b === null) return Promise.resolve({ builder: null, reason: 'runtime image not built: image.builder is none' });
    return (choice ??= detectBuilder({ preference: b ?? 'auto', buildah: opts.buildah }));
  };
}

export function createLocalImagePublisher(opts: CommonPublisherOptions & { layoutDir: string }): ImagePublisher {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const layoutDir = resolve(cwd, opts.layoutDir);
  return createStoreImagePublisher({
    description: `OCI layout ${opts.layoutDir} (${opts.repository})`,
    repository: opts.repository,
    store: createLayoutStore({ dir: layoutDir, logger: opts.logger }),
    chooseBuilder: builderChooser(opts),
    cwd,
    cacheDir: resolve(cwd, opts.cacheDir ?? '.dataship/cache'),
    dockerfile: opts.dockerfile,
    contextDir: opts.contextDir,
    logger: opts.logger,
    platform: opts.platform,
  });
}

export interface RegistryImagePublisherOptions extends CommonPublisherOptions {
  /** Registry base URL; with ECR it defaults to the authorization's proxy endpoint. */
  registryUrl?: string;
  /** Where `runtime-<hash>` images live when not in `repository` (blobs are mounted across). */
  runtimeRepository?: string;
  /** Registry credentials (Basic, or for a bearer token service); with ECR, the ECR token by default. */
  auth?: CredentialSource;
  /** ECR control plane (ensure repository, re-tag by digest, auth): options or an instance. */
  ecr?: Omit<EcrOptions, 'repository'> | EcrControlPlane;
  retry?: Partial<RetryPolicy>;
  /** Registers secrets the client learns (ECR password, bearer tokens) with the redactor. */
  onSecret?: (value: string) => void;
}

/** An image store whose client is made on first use (ECR auth needs a call to learn the URL). */
function lazyStore(opts: { describe: string; make: () => Promise<ImageStore> }): ImageStore {
  let made: Promise<ImageStore> | undefined;
  let resolved: ImageStore | undefined;
  const get = () => (made ??= opts.make().then((s) => (resolved = s)));
  return {
    describe: () => opts.describe,
    // Known once the client exists, which any earlier call on the store ensures.
    mountKey: () => resolved?.mountKey() ?? null,
    hasBlob: async (d) => (await get()).hasBlob(d),
    putBlob: async (b) => (await get()).putBlob(b),
    getBlob: async (d) => (await get()).getBlob(d),
    getManifest: async (r) => (await get()).getManifest(r),
    putManifest: async (m) => (await get()).putManifest(m),
    resolveTag: async (t) => (await get()).resolveTag(t),
    listTags: async () => (await get()).listTags(),
  };
}

export function createRegistryImagePublisher(opts: RegistryImagePublisherOptions): ImagePublisher {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const control: EcrControlPlane | undefined =
    opts.ecr && 'retag' in opts.ecr ? opts.ecr : opts.ecr ? createEcrControlPlane({ ...opts.ecr, repository: opts.repository, logger: opts.ecr.logger ?? opts.logger }) : undefined;
  let client: Promise<RegistryClient> | undefined;
  const getClient = () =>
    (client ??= (async () => {
      let url = opts.registryUrl;
      let credentials = opts.auth;
      if (control && (!url || credentials === undefined)) {
        const authorization = await control.authorizationFor();
        url ??= authorization.registryUrl;
        if (credentials === undefined) {
          let current = authorization;
          credentials = async () => {
            if (current.expiresAt && current.expiresAt.getTime() - Date.now() < 5 * 60_000) current = await control.authorizationFor();
            return { username: current.username, password: current.password };
          };
        }
      }
      if (!url) throw new DataShipError({ code: 'ECONFIG', message: 'a registry URL is needed (image.registry.url) unless ECR is used' });
      return createRegistryClient({ url, credentials, logger: opts.logger, retry: opts.retry, onSecret: opts.onSecret });
    })());
  const storeFor = (repository: string) =>
    lazyStore({ describe: `${opts.registryUrl ?? 'ECR'}/${repository}`, make: async () => createRegistryStore({ client: await getClient(), repository }) });
  const store = storeFor(opts.repository);
  const runtimeStore = opts.runtimeRepository && opts.runtimeRepository !== opts.repository ? storeFor(opts.runtimeRepository) : undefined;
  return createStoreImagePublisher({
    description: `${control ? 'ECR' : 'registry'} ${opts.registryUrl ?? ''}${opts.registryUrl ? '/' : ''}${opts.repository}`,
    repository: opts.repository,
    store,
    runtimeStore,
    chooseBuilder: builderChooser(opts),
    cwd,
    cacheDir: resolve(cwd, opts.cacheDir ?? '.dataship/cache'),
    dockerfile: opts.dockerfile,
    contextDir: opts.contextDir,
    logger: opts.logger,
    platform: opts.platform,
    control: control && {
      ensureRepository: () => control.ensureRepository(),
      retag: (o) => control.retag(o),
      resolve: (o) => control.describeImageDigest(o),
    },
  });
}

/**
 * The publisher the configuration asks for: the embedded OCI layout when `local` (or when no
 * registry is configured); ECR when `image.registry.ecr`; else the registry at
 * `image.registry.url`, with credentials from DATASHIP_REGISTRY_USERNAME / _PASSWORD if set.
 */
export function createImagePublisher(opts: {
  config: DataShipConfig;
  cwd: string;
  logger: Logger;
  env?: Record<string, string | undefined>;
  local?: boolean;
  /** Default `<cwd>/.dataship/registry`. */
  layoutDir?: string;
  onSecret?: (value: string) => void;
  buildah?: BuildahOptions;
}): ImagePublisher {
  const { config } = opts;
  const env = opts.env ?? {};
  const common: CommonPublisherOptions = {
    repository: config.image.repository,
    cwd: opts.cwd,
    cacheDir: join(opts.cwd, '.dataship', 'cache'),
    builder: config.image.builder,
    buildah: opts.buildah,
    dockerfile: config.image.dockerfile,
    logger: opts.logger,
  };
  const registry = config.image.registry;
  if (opts.local || (!registry?.ecr && !registry?.url)) return createLocalImagePublisher({ ...common, layoutDir: opts.layoutDir ?? join(opts.cwd, '.dataship', 'registry') });
  const user = env.DATASHIP_REGISTRY_USERNAME;
  const password = env.DATASHIP_REGISTRY_PASSWORD;
  const auth = user && password ? { username: user, password } : undefined;
  if (registry?.ecr) {
    const region = config.aws?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new DataShipError({ code: 'ECONFIG', message: 'image.registry.ecr needs aws.region', hint: 'set aws.region in dataship.yaml' });
    // Environment tags move; so do preview tags (`pr-{pr}` -> `pr-*`). Every other tag is immutable.
    const envTags = Object.entries(config.environments).map(([name, e]) => e.imageTag ?? name);
    const tags = [...new Set([...envTags, ...(config.previews ? [config.previews.pattern.replace(/\{pr\}/g, '*')] : [])])];
    return createRegistryImagePublisher({
      ...common,
      registryUrl: registry.url,
      auth,
      onSecret: opts.onSecret,
      ecr: { region, endpoint: config.aws?.endpoint ?? env.AWS_ENDPOINT_URL, mutableTags: tags },
    });
  }
  return createRegistryImagePublisher({ ...common, registryUrl: registry!.url, auth: auth ?? null, onSecret: opts.onSecret });
}
