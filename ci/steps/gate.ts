/**
 * `gate`: decides whether a release may go on to the next environment. In `enforce` mode (promote,
 * `dataship gate`) a refusal fails the run with exit 1. In `evaluate` mode (push-to-deploy) it
 * reports whether the release is promotable; it fails only when a check failed.
 */
import { environmentOf } from '../adapters/factory.js';
import { DataShipError } from '../core/errors.js';
import { decideGate, type GateDecision } from '../core/gate.js';
import type { RunContext, Step } from '../core/types.js';
import { currentRelease, targetEnv } from './resolve-release.js';

/** The environment a promotion into `to` comes from. */
export function sourceEnvOf(ctx: RunContext, to: string): string {
  return environmentOf({ config: ctx.config, env: to }).promoteFrom ?? 'dev';
}

export function gateStep(opts: { mode: 'enforce' | 'evaluate'; source: (ctx: RunContext) => string }): Step {
  const decide = async (ctx: RunContext): Promise<{ decision: GateDecision; source: string }> => {
    const release = currentRelease(ctx);
    const source = opts.source(ctx);
    const fresh = (await ctx.adapters.releases.get(release.id)) ?? release;
    const decision = decideGate({
      release: fresh,
      sourceEnv: source,
      sourcePointer: await ctx.adapters.pointers.current(source),
      policy: ctx.config.gate,
      override: ctx.state.gateOverride ? { by: ctx.actor, reason: ctx.state.gateOverride } : undefined,
    });
    ctx.state.facts.gate = { ...decision, release: release.id, source };
    return { decision, source };
  };
  return {
    name: 'gate',
    async plan(ctx) {
      return [{ action: 'check', target: `gate policy for ${ctx.state.release?.id ?? 'the release'}`, detail: `from ${opts.source(ctx)}` }];
    },
    async run(ctx) {
      if (ctx.state.alreadyCurrent) return { status: 'unchanged', summary: `${targetEnv(ctx)} already runs ${currentRelease(ctx).id}: nothing to promote` };
      const { decision, source } = await decide(ctx);
      const failed = decision.rules.filter((r) => !r.ok);
      if (decision.override) {
        ctx.logger.warn(`gate overridden by ${decision.override.by}: ${decision.override.reason}; refused rules: ${failed.map((r) => r.message).join('; ')}`);
        return { status: 'changed', summary: `overridden by ${decision.override.by} (“${decision.override.reason}”): ${failed.length} rule(s) refused`, details: { decision } };
      }
      if (decision.allowed) return { status: 'unchanged', summary: `passed: ${decision.rules.length} rules from ${source}`, details: { decision } };
      const onlySkips = failed.every((r) => r.rule === 'required-check' && r.message.includes('did not run'));
      if (opts.mode === 'evaluate' && onlySkips) {
        return { status: 'skipped', reason: `not promotable yet: ${failed.map((r) => r.message).join('; ')}`, details: { decision } };
      }
      throw new DataShipError({
        code: 'EGATE',
        message: `gate refused ${currentRelease(ctx).id}${opts.mode === 'enforce' ? ` for promotion from ${source}` : ''}: ${failed.length} rule(s) failed`,
        hint: opts.mode === 'enforce' ? `fix and re-test in ${source}, or (break-glass) --override-gate "reason"` : `the release in ${source} is not promotable`,
        problems: failed.map((r) => ({ message: r.message, path: r.rule })),
      });
    },
  };
}

/** Target environment of a promotion, for `gateStep({ source })` in enforce mode. */
export const promotionSource = (ctx: RunContext) => sourceEnvOf(ctx, targetEnv(ctx));
