/** Which release an environment command acts on. */
import { DataShipError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import type { RunContext } from '../core/types.js';

export async function releaseById(opts: { ctx: RunContext; id: string }): Promise<Release> {
  const release = await opts.ctx.adapters.releases.get(opts.id);
  if (!release) {
    throw new DataShipError({
      code: 'ENOTFOUND',
      message: `release ${opts.id} does not exist`,
      hint: 'list releases with `dataship status`; build one with `dataship build`',
    });
  }
  return release;
}

/** The release in the run state (set by build or resolved earlier); a usage error when none. */
export function currentRelease(ctx: RunContext): Release {
  if (!ctx.state.release) {
    throw new DataShipError({ code: 'EUSAGE', message: 'no release to act on', hint: 'run build first, or pass --release ID' });
  }
  return ctx.state.release;
}

export function targetEnv(ctx: RunContext): string {
  if (!ctx.state.env) throw new DataShipError({ code: 'EUSAGE', message: 'no environment given', hint: 'pass --env NAME' });
  return ctx.state.env;
}
