/**
 * Picks the container builder: the configured one, or the first of buildah, podman, docker (with a
 * reachable daemon) that works here. No builder is not an error: the caller reports why.
 */
import type { ContainerBuilder, BuilderName, BuildahOptions } from './builders.js';
import { createBuildahBuilder, createDockerBuilder, createPodmanBuilder } from './builders.js';
import { toolWorks } from './run-tool.js';

export type BuilderPreference = 'auto' | BuilderName | 'none';

export type BuilderChoice = { builder: ContainerBuilder; reason?: undefined } | { builder: null; reason: string };

const INSTALL_HINT = 'install buildah';

async function available(name: BuilderName, env?: NodeJS.ProcessEnv): Promise<boolean> {
  if (name === 'docker') return toolWorks({ command: 'docker', args: ['version', '--format', '{{.Server.Version}}'], env });
  return toolWorks({ command: name, args: ['--version'], env });
}

function make(name: BuilderName, opts: BuildahOptions): ContainerBuilder {
  if (name === 'buildah') return createBuildahBuilder(opts);
  if (name === 'podman') return createPodmanBuilder(opts);
  return createDockerBuilder({ env: opts.env });
}

export async function detectBuilder(opts: { preference?: BuilderPreference; buildah?: BuildahOptions; env?: NodeJS.ProcessEnv } = {}): Promise<BuilderChoice> {
  const preference = opts.preference ?? 'auto';
  const env = opts.env ?? opts.buildah?.env;
  const buildahOpts = { ...opts.buildah, env };
  if (preference === 'none') return { builder: null, reason: 'runtime image not built: image.builder is none' };
  if (preference !== 'auto') {
    if (await available(preference, env)) return { builder: make(preference, buildahOpts) };
    return { builder: null, reason: `runtime image not built: ${preference} is configured but does not work here (${preference === 'docker' ? 'no docker daemon' : `install ${preference}`})` };
  }
  for (const name of ['buildah', 'podman', 'docker'] as const) {
    if (await available(name, env)) return { builder: make(name, buildahOpts) };
  }
  return { builder: null, reason: `runtime image not built: no container builder (${INSTALL_HINT})` };
}
