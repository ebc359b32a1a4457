import { userInfo } from 'node:os';

/** Which CI host the run is on, from its environment. */
export type CiHost = 'github' | 'jenkins' | 'terminal';

export function detectCiHost(env: Record<string, string | undefined>): CiHost {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.JENKINS_URL || env.JENKINS_HOME || env.BUILD_TAG?.startsWith('jenkins-')) return 'jenkins';
  return 'terminal';
}

/** Link to this run on its CI host, when there is one. */
export function runUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return env.BUILD_URL;
}

/** The person or system that started the run. */
export function actorOf(env: Record<string, string | undefined>): string {
  if (env.DATASHIP_ACTOR || env.GITHUB_ACTOR || env.BUILD_USER_ID || env.USER || env.LOGNAME) {
    return (env.DATASHIP_ACTOR || env.GITHUB_ACTOR || env.BUILD_USER_ID || env.USER || env.LOGNAME)!;
  }
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Colour only on a TTY, never with NO_COLOR; FORCE_COLOR forces it. */
export function useColor(opts: { env: Record<string, string | undefined>; isTTY: boolean }): boolean {
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false;
  if (opts.env.FORCE_COLOR && opts.env.FORCE_COLOR !== '0') return true;
  return opts.isTTY && opts.env.TERM !== 'dumb';
}
