/**
 * Container builders for the runtime image: buildah, podman or docker. Each builds a Dockerfile
 * and writes the result as an OCI image layout, which dataship then pushes with its own client
 * (only missing blobs, with its own auth), so no builder needs registry credentials.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import tar from 'tar-stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import { REF_NAME_ANNOTATION, type ImageIndex } from '../../core/image/types.js';
import { runTool } from './run-tool.js';

export type BuilderName = 'buildah' | 'podman' | 'docker';

export interface BuildRequest {
  dockerfile: string;
  contextDir: string;
  /** Tag for the result inside the output layout (`runtime-<hash>`). */
  tag: string;
  /** An OCI image layout directory to write the image to. */
  outputDir: string;
  logger: Logger;
  buildArgs?: Record<string, string>;
}

export interface ContainerBuilder {
  name: BuilderName;
  describe(): string;
  build(req: BuildRequest): Promise<void>;
}

export interface BuildahOptions {
  /** Storage driver; `vfs` works everywhere (no fuse-overlayfs, no privileges). */
  storageDriver?: string;
  /** Storage root and run root (containers-storage); default `~/.cache/dataship/containers/<driver>`. */
  root?: string;
  runroot?: string;
  /** `chroot` runs RUN steps without a daemon or user namespaces. */
  isolation?: 'chroot' | 'oci' | 'rootless';
  env?: NodeJS.ProcessEnv;
  command?: string;
}

function defaultCacheHome(env?: NodeJS.ProcessEnv): string {
  const e = env ?? process.env;
  return e.XDG_CACHE_HOME || join(e.HOME || homedir(), '.cache');
}

const localName = (tag: string) => `localhost/dataship-runtime:${tag}`;
const buildArgFlags = (args?: Record<string, string>) => Object.entries(args ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);

/** buildah and podman share their command shapes: `bud`/`build`, then `push … oci:<dir>:<tag>`. */
function createCliBuilder(name: 'buildah' | 'podman', opts: BuildahOptions): ContainerBuilder {
  const command = opts.command ?? name;
  const driver = opts.storageDriver ?? 'vfs';
  // A storage root of our own: vfs next to another driver's root fails with a driver mismatch.
  const root = opts.root ?? join(defaultCacheHome(opts.env), 'dataship', 'containers', driver);
  const global = ['--storage-driver', driver, '--root', root, '--runroot', opts.runroot ?? `${root}-run`];
  const isolation = opts.isolation ?? 'chroot';
  return {
    name,
    describe: () => `${name} (${driver} storage at ${root}, ${isolation} isolation)`,
    async build(req) {
      const image = localName(req.tag);
      const hint = `check ${req.dockerfile} and that ${name} can build here (${name} --storage-driver vfs info)`;
      await runTool({
        command,
        args: [...global, name === 'buildah' ? 'bud' : 'build', '--isolation', isolation, '--format', 'oci', ...buildArgFlags(req.buildArgs), '-f', resolve(req.dockerfile), '-t', image, resolve(req.contextDir)],
        env: opts.env,
        logger: req.logger,
        operation: `${name} build ${req.dockerfile}`,
        hint,
      });
      await mkdir(dirname(resolve(req.outputDir)), { recursive: true });
      await runTool({ command, args: [...global, 'push', image, `oci:${resolve(req.outputDir)}:${req.tag}`], env: opts.env, logger: req.logger, operation: `${name} push ${image}`, hint });
    },
  };
}

export function createBuildahBuilder(opts: BuildahOptions = {}): ContainerBuilder {
  return createCliBuilder('buildah', opts);
}

export function createPodmanBuilder(opts: BuildahOptions = {}): ContainerBuilder {
  return createCliBuilder('podman', opts);
}

/** Extracts a `docker save` archive (OCI layout since Docker 25) into a directory. */
async function extractTar(opts: { file: string; dir: string }): Promise<void> {
  const ex = tar.extract();
  const done = new Promise<void>((res, rej) => {
    ex.on('entry', (h, stream, next) => {
      const target = resolve(opts.dir, h.name);
      if (!target.startsWith(resolve(opts.dir))) return rej(new Error(`unsafe path in archive: ${h.name}`));
      if (h.type === 'directory') {
        stream.resume();
        mkdir(target, { recursive: true }).then(() => next(), rej);
        return;
      }
      if (h.type !== 'file') {
        stream.resume();
        stream.on('end', next);
        return;
      }
      mkdir(dirname(target), { recursive: true })
        .then(() => pipeline(stream, createWriteStream(target)))
        .then(() => next(), rej);
    });
    ex.on('finish', res);
    ex.on('error', rej);
  });
  await pipeline(createReadStream(opts.file), ex);
  await done;
}

export function createDockerBuilder(opts: { env?: NodeJS.ProcessEnv; command?: string } = {}): ContainerBuilder {
  const command = opts.command ?? 'docker';
  return {
    name: 'docker',
    describe: () => 'docker',
    async build(req) {
      const image = localName(req.tag);
      await runTool({ command, args: ['build', ...buildArgFlags(req.buildArgs), '-f', resolve(req.dockerfile), '-t', image, resolve(req.contextDir)], env: opts.env, logger: req.logger, operation: `docker build ${req.dockerfile}` });
      const out = resolve(req.outputDir);
      await mkdir(out, { recursive: true });
      const archive = join(out, '..', `${req.tag}.docker-save.tar`);
      try {
        await runTool({ command, args: ['save', '-o', archive, image], env: opts.env, logger: req.logger, operation: `docker save ${image}` });
        await extractTar({ file: archive, dir: out });
      } finally {
        await rm(archive, { force: true });
      }
      let index: ImageIndex;
      try {
        index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as ImageIndex;
      } catch {
        throw new DataShipError({ code: 'ETOOL', message: 'docker save wrote no OCI image layout (index.json)', hint: 'Docker 25 or newer is needed; or set image.builder: buildah' });
      }
      const [first] = index.manifests;
      if (!first) throw new DataShipError({ code: 'ETOOL', message: 'docker save wrote an empty image index' });
      index.manifests = [{ ...first, annotations: { ...first.annotations, [REF_NAME_ANNOTATION]: req.tag } }];
      await writeFile(join(out, 'index.json'), JSON.stringify(index));
    },
  };
}
