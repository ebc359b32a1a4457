/** Picks the transport for an environment's Airflow host from the configuration. */
import { isAbsolute, join } from 'node:path';
import type { AirflowHostConfig, EnvironmentConfig } from '../../core/config/model.js';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';
import type { DagHostWithClose } from './dag-host.js';
import { createLocalDagHost } from './local.js';

export interface DagHostFromConfig {
  transport: AirflowHostConfig['transport'];
  env: string;
  envConfig: EnvironmentConfig;
  /** The embedded host directory (`.dataship/hosts/<env>/`), used by the local transport. */
  localRoot: string;
  logger: Logger;
  processEnv?: Record<string, string | undefined>;
  awsRegion?: string;
  awsEndpoint?: string;
  /** Recorded in the host's deploys.log (default: the CI actor or $USER). */
  by?: string;
  /** Relative key and known_hosts paths are relative to this (default: the process's cwd). */
  cwd?: string;
}

export async function createDagHost(opts: DagHostFromConfig): Promise<DagHostWithClose> {
  const cfg = opts.envConfig.airflowHost;
  const penv = opts.processEnv ?? {};
  const by = opts.by ?? penv.GITHUB_ACTOR ?? penv.BUILD_USER_ID ?? penv.USER;
  if (opts.transport === 'local') return createLocalDagHost({ root: opts.localRoot, logger: opts.logger, by });
  const where = `environments.${opts.env}.airflowHost`;
  const root = cfg.root;
  if (!root || !root.startsWith('/')) {
    throw new DataShipError({ code: 'ECONFIG', message: `${where}.root must be an absolute path on the host for the ${opts.transport} transport`, hint: "Airflow's dags_folder is then <root>/current" });
  }
  const home = (p: string) => (p.startsWith('~/') && penv.HOME ? join(penv.HOME, p.slice(2)) : p);
  if (opts.transport === 'ssh') {
    const s = cfg.ssh;
    if (!s) throw new DataShipError({ code: 'ECONFIG', message: `${where}.ssh is required for the ssh transport`, hint: 'host, identityFile and knownHostsFile' });
    const { createSshDagHost } = await import('./ssh.js');
    const file = (p: string) => (isAbsolute(home(p)) ? home(p) : join(opts.cwd ?? process.cwd(), p));
    return createSshDagHost({ host: s.host, port: s.port, user: s.user, identityFile: file(s.identityFile), knownHostsFile: file(s.knownHostsFile), root, logger: opts.logger, by });
  }
  const m = cfg.ssm;
  if (!m) throw new DataShipError({ code: 'ECONFIG', message: `${where}.ssm is required for the ssm transport`, hint: 'instanceId and bucket' });
  const { createSsmDagHost } = await import('./ssm.js');
  return createSsmDagHost({
    instanceId: m.instanceId,
    bucket: m.bucket,
    prefix: m.prefix,
    region: opts.awsRegion,
    endpoint: opts.awsEndpoint,
    timeoutMs: (m.timeoutSeconds ?? 600) * 1000,
    root,
    logger: opts.logger,
    by,
  });
}
