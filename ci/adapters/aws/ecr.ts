/**
 * The ECR control plane, through AWS SDK v3 (loaded on first use, so the CLI starts fast):
 * the repository (immutable release tags, mutable environment tags, scan on push, lifecycle),
 * tag → digest, re-tagging by digest (BatchGetImage + PutImage; never a rebuild), and registry
 * credentials from GetAuthorizationToken.
 */
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { shortDigest } from '../../core/release.js';
import type { Credentials } from '../registry/auth.js';
import type { LayerChange } from '../types.js';
import { awsError, clientConfig, type AwsClientOptions } from './aws-errors.js';

type EcrModule = typeof import('@aws-sdk/client-ecr');

export interface EcrOptions extends AwsClientOptions {
  repository: string;
  /** Tags that move (environment tags); wildcards allowed, at most 5. Every other tag is immutable. */
  mutableTags?: string[];
  /** Untagged images expire after this many days. */
  untaggedExpiryDays?: number;
  /** How many `runtime-*` images to keep. */
  keepRuntimeImages?: number;
  logger?: Logger;
}

export interface EcrAuthorization extends Credentials {
  registryUrl: string;
  expiresAt: Date | null;
}

export interface EcrControlPlane {
  ensureRepository(): Promise<LayerChange>;
  /** The digest a tag names, or null when the tag does not exist. */
  describeImageDigest(opts: { tag: string }): Promise<string | null>;
  /** Points `tag` at the image with `digest`; ImageAlreadyExistsException counts as success. */
  retag(opts: { digest: string; tag: string }): Promise<LayerChange>;
  authorizationFor(): Promise<EcrAuthorization>;
}

export const DEFAULT_MUTABLE_TAGS = ['dev', 'staging', 'prod'];

/** The lifecycle policy: expire untagged images; keep the newest runtime images. Release tags are never expired. */
export function lifecyclePolicy(opts: { untaggedExpiryDays?: number; keepRuntimeImages?: number }): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: 'dataship: keep the newest runtime images',
        selection: { tagStatus: 'tagged', tagPrefixList: ['runtime-'], countType: 'imageCountMoreThan', countNumber: opts.keepRuntimeImages ?? 20 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: 'dataship: expire untagged images',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: opts.untaggedExpiryDays ?? 14 },
        action: { type: 'expire' },
      },
    ],
  });
}

const errName = (err: unknown) => (err as { name?: string })?.name ?? '';

export function createEcrControlPlane(opts: EcrOptions): EcrControlPlane {
  const repositoryName = opts.repository;
  const mutableTags = opts.mutableTags ?? DEFAULT_MUTABLE_TAGS;
  if (mutableTags.length > 5) throw new DataShipError({ code: 'ECONFIG', message: `ECR allows at most 5 tag exclusion filters; got ${mutableTags.length}`, hint: 'use wildcards such as pr-*' });
  let loaded: Promise<{ ecr: EcrModule; client: InstanceType<EcrModule['ECRClient']> }> | undefined;
  const sdk = () =>
    (loaded ??= import('@aws-sdk/client-ecr').then((ecr) => ({ ecr, client: new ecr.ECRClient(clientConfig(opts)) })));

  const describeImageDigest = async ({ tag }: { tag: string }): Promise<string | null> => {
    const { ecr, client } = await sdk();
    try {
      const out = await client.send(new ecr.DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }));
      return out.imageDetails?.[0]?.imageDigest ?? null;
    } catch (err) {
      if (errName(err) === 'ImageNotFoundException') return null;
      throw awsError({ err, operation: `ecr:DescribeImages ${repositoryName}:${tag}` });
    }
  };

  return {
    async ensureRepository() {
      const { ecr, client } = await sdk();
      const wanted = {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
        imageTagMutabilityExclusionFilters: mutableTags.map((filter) => ({ filterType: 'WILDCARD' as const, filter })),
      };
      const changes: string[] = [];
      let repo: { imageTagMutability?: string; imageTagMutabilityExclusionFilters?: { filter?: string }[]; imageScanningConfiguration?: { scanOnPush?: boolean } } | undefined;
      try {
        repo = (await client.send(new ecr.DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))).repositories?.[0];
      } catch (err) {
        if (errName(err) !== 'RepositoryNotFoundException') throw awsError({ err, operation: `ecr:DescribeRepositories ${repositoryName}` });
      }
      try {
        if (!repo) {
          await client.send(new ecr.CreateRepositoryCommand({ repositoryName, ...wanted, imageScanningConfiguration: { scanOnPush: true } }));
          changes.push('created');
        } else {
          const filters = (repo.imageTagMutabilityExclusionFilters ?? []).map((f) => f.filter).sort().join(',');
          if (repo.imageTagMutability !== wanted.imageTagMutability || filters !== [...mutableTags].sort().join(',')) {
            await client.send(new ecr.PutImageTagMutabilityCommand({ repositoryName, ...wanted }));
            changes.push('tag mutability');
          }
          if (!repo.imageScanningConfiguration?.scanOnPush) {
            await client.send(new ecr.PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: true } }));
            changes.push('scan on push');
          }
        }
        const policy = lifecyclePolicy(opts);
        let current: string | undefined;
        try {
          current = (await client.send(new ecr.GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText;
        } catch (err) {
          if (errName(err) !== 'LifecyclePolicyNotFoundException') throw err;
        }
        if (!current || JSON.stringify(JSON.parse(current)) !== policy) {
          await client.send(new ecr.PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: policy }));
          changes.push('lifecycle policy');
        }
      } catch (err) {
        throw awsError({ err, operation: `ecr: ensure repository ${repositoryName}`, hint: 'the role needs ecr:CreateRepository, ecr:PutImageTagMutability, ecr:PutImageScanningConfiguration and ecr:PutLifecyclePolicy' });
      }
      return changes.length
        ? { status: 'changed', summary: `ECR repository ${repositoryName}: ${changes.join(', ')}` }
        : { status: 'unchanged', summary: `ECR repository ${repositoryName} is as configured` };
    },

    describeImageDigest,

    async retag({ digest, tag }) {
      const { ecr, client } = await sdk();
      const operation = `ecr: tag ${repositoryName}:${tag} -> ${digest}`;
      let got;
      try {
        got = await client.send(new ecr.BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }));
      } catch (err) {
        throw awsError({ err, operation: `ecr:BatchGetImage ${repositoryName}@${digest}` });
      }
      const image = got.images?.[0];
      if (!image?.imageManifest) {
        const why = got.failures?.[0] ? `${got.failures[0].failureCode}: ${got.failures[0].failureReason}` : 'not found';
        throw new DataShipError({
          code: 'EDIGEST',
          message: `image ${digest} is not in ECR repository ${repositoryName} (${why}); tag ${tag} was not moved`,
          operation,
          hint: 'promote only the digest a build pushed and dev tested (see the release record); nothing is ever rebuilt for promotion',
        });
      }
      const previous = await describeImageDigest({ tag });
      // PutImage even when the tag looks current: ECR answers ImageAlreadyExistsException, which is success.
      try {
        await client.send(new ecr.PutImageCommand({ repositoryName, imageManifest: image.imageManifest, imageManifestMediaType: image.imageManifestMediaType, imageTag: tag }));
      } catch (err) {
        if (errName(err) === 'ImageAlreadyExistsException') return { status: 'unchanged', summary: `${tag} already at ${shortDigest(digest)}`, details: { previous } };
        if (errName(err) === 'ImageTagAlreadyExistsException') {
          throw awsError({ err, operation, hint: `tag ${tag} is immutable in ${repositoryName}: list it among the mutable (environment) tags so ensureRepository adds an exclusion filter` });
        }
        throw awsError({ err, operation });
      }
      if (previous === digest) return { status: 'unchanged', summary: `${tag} already at ${shortDigest(digest)}`, details: { previous } };
      opts.logger?.info(`ECR ${repositoryName}: ${tag} -> ${shortDigest(digest)}${previous ? ` (was ${shortDigest(previous)})` : ''}`);
      return { status: 'changed', summary: `${tag} -> ${shortDigest(digest)}${previous ? ` (was ${shortDigest(previous)})` : ''}`, details: { previous } };
    },

    async authorizationFor() {
      const { ecr, client } = await sdk();
      let data;
      try {
        data = (await client.send(new ecr.GetAuthorizationTokenCommand({}))).authorizationData?.[0];
      } catch (err) {
        throw awsError({ err, operation: 'ecr:GetAuthorizationToken', hint: 'the role needs ecr:GetAuthorizationToken' });
      }
      if (!data?.authorizationToken || !data.proxyEndpoint) throw new DataShipError({ code: 'EAWS', message: 'ecr:GetAuthorizationToken returned no token' });
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        registryUrl: data.proxyEndpoint,
        expiresAt: data.expiresAt ?? null,
      };
    },
  };
}
