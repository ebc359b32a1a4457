/**
 * The promotion gate's policy. Pure: given the release, what its source environment runs, the checks
 * attested there and the policy, it decides and says why. Identity comes first: the digest promoted
 * must be the digest that was tested.
 */
import type { GateConfig } from './config/model.js';
import type { PointerMove, Release } from './release.js';

export interface GateRule {
  rule: 'identity' | 'source-runs-release' | 'required-check' | 'warnings';
  ok: boolean;
  message: string;
}

export interface GateDecision {
  allowed: boolean;
  rules: GateRule[];
  /** Set when a person overrode a refusal: who and why; the refusal's rules stay recorded. */
  override?: { by: string; reason: string };
}

export function decideGate(opts: {
  release: Release;
  sourceEnv: string;
  sourcePointer: PointerMove | null;
  policy: GateConfig;
  override?: { by: string; reason: string };
}): GateDecision {
  const { release, sourceEnv, policy } = opts;
  const rules: GateRule[] = [];
  const digest = release.image.digest;

  const runs = opts.sourcePointer?.releaseId === release.id;
  rules.push({
    rule: 'source-runs-release',
    ok: runs,
    message: runs
      ? `${sourceEnv} runs ${release.id}`
      : `${sourceEnv} runs ${opts.sourcePointer?.releaseId ?? 'nothing'}, not ${release.id}: deploy it to ${sourceEnv} and test it there first`,
  });

  let warnings = 0;
  for (const name of policy.requiredChecks) {
    const check = release.checks[`${sourceEnv}/${name}`];
    if (!check) {
      rules.push({ rule: 'required-check', ok: false, message: `${name} has not run in ${sourceEnv} for ${release.id}` });
      continue;
    }
    if (policy.requireTestedDigest) {
      const same = check.digest === digest;
      rules.push({
        rule: 'identity',
        ok: same,
        message: same
          ? `${name} tested ${shortDigestOf(digest)} in ${sourceEnv}, the digest being promoted`
          : `${name} tested ${shortDigestOf(check.digest)} in ${sourceEnv} but ${shortDigestOf(digest)} is being promoted`,
      });
    }
    warnings += check.warnings ?? (check.status === 'warn' ? 1 : 0);
    if (check.status === 'pass' || check.status === 'warn') {
      rules.push({ rule: 'required-check', ok: true, message: `${name}: ${check.status}${check.summary ? ` (${check.summary})` : ''}` });
    } else if (check.status === 'skipped') {
      rules.push({
        rule: 'required-check',
        ok: policy.allowSkipped,
        message: `${name} did not run in ${sourceEnv}${check.summary ? `: ${check.summary}` : ''}${policy.allowSkipped ? ' (allowed by policy: allowSkipped)' : ''}`,
      });
    } else {
      rules.push({ rule: 'required-check', ok: false, message: `${name}: ${check.status}${check.summary ? ` (${check.summary})` : ''}` });
    }
  }
  if (policy.maxWarnings !== undefined) {
    rules.push({
      rule: 'warnings',
      ok: warnings <= policy.maxWarnings,
      message: `${warnings} warning${warnings === 1 ? '' : 's'} (at most ${policy.maxWarnings} allowed)`,
    });
  }
  const allowed = rules.every((r) => r.ok);
  if (!allowed && opts.override) return { allowed: true, rules, override: opts.override };
  return { allowed, rules };
}

function shortDigestOf(d: string | null | undefined): string {
  return d ? d.replace(/^sha256:/, '').slice(0, 12) : 'no image';
}
