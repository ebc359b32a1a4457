/**
 * `dataship status`: each environment's release, when and by whom it moved, its history, and DAG
 * drift on its Airflow host (files added, removed or changed by hand).
 */
import { environmentOf } from './adapters/factory.js';
import type { CommandOptions, CommandResult } from './run-command.js';
import type { DagDrift } from './adapters/types.js';
import type { PointerMove, Release } from './core/release.js';
import { shortDigest } from './core/release.js';
import { DataShipError, exitCodeFor, toDataShipError } from './core/errors.js';

export interface EnvStatus {
  env: string;
  current: PointerMove | null;
  release: Release | null;
  history: PointerMove[];
  drift: (DagDrift & { clean: boolean }) | { error: string } | null;
}

export async function statusCommand(opts: CommandOptions): Promise<CommandResult & { status?: EnvStatus[] }> {
  const { prepare, printError } = await import('./run-command.js');
  let redactor: import('./core/redact.js').Redactor | undefined;
  try {
    const prepared = await prepare(opts);
    redactor = prepared.redactor;
    const { createAdapters } = await import('./adapters/factory.js');
    const adapters = createAdapters({ cwd: opts.cwd, config: prepared.config, env: opts.env, logger: prepared.logger, local: opts.local, onSecret: (v) => prepared.redactor.add(v) });
    const envs = opts.envName ? [opts.envName] : Object.keys(prepared.config.environments);
    if (opts.envName) environmentOf({ config: prepared.config, env: opts.envName });
    const out: EnvStatus[] = [];
    for (const env of envs) {
      const current = await adapters.pointers.current(env);
      const release = current ? await adapters.releases.get(current.releaseId) : null;
      let drift: EnvStatus['drift'] = null;
      if (release) {
        try {
          const bundle = await adapters.bundles.fetch({ digest: release.dags.bundleDigest });
          const d = await adapters.dagHost(env).drift({ manifest: bundle.manifest });
          drift = { ...d, clean: !d.added.length && !d.removed.length && !d.changed.length };
        } catch (err) {
          drift = { error: toDataShipError(err, { code: 'EHOST' }).message };
        }
      }
      out.push({ env, current, release, history: await adapters.pointers.history(env), drift });
    }
    await adapters.close();
    const text = opts.json ? JSON.stringify({ environments: out }, null, 2) : renderStatus(out);
    opts.stdout.write(`${prepared.redactor.redact(text)}\n`);
    const drifted = out.some((s) => s.drift && 'clean' in s.drift && !s.drift.clean);
    return { exitCode: drifted ? 1 : 0, status: out };
  } catch (err) {
    const e = toDataShipError(err, { code: 'EINTERNAL' });
    printError({ err: e, stream: opts.stderr, redactor, env: opts.env });
    return { exitCode: exitCodeFor(e), error: e instanceof DataShipError ? e : undefined };
  }
}

function renderStatus(envs: EnvStatus[]): string {
  const lines: string[] = [];
  for (const s of envs) {
    lines.push(`${s.env}`);
    if (!s.current) {
      lines.push('  release   none deployed');
      continue;
    }
    lines.push(`  release   ${s.current.releaseId}  (git ${s.release?.gitSha.slice(0, 12) ?? '?'}, image ${shortDigest(s.release?.image.digest)}, DAGs ${shortDigest(s.release?.dags.bundleDigest)})`);
    lines.push(`  moved     ${s.current.at} by ${s.current.by} (${s.current.action}, version ${s.current.version})`);
    if (s.current.note) lines.push(`  note      ${s.current.note}`);
    if (s.drift && 'error' in s.drift) lines.push(`  drift     unknown: ${s.drift.error}`);
    else if (s.drift?.clean) lines.push('  drift     none: the host matches the release');
    else if (s.drift) {
      lines.push(`  drift     the host differs from the release:`);
      for (const f of s.drift.added) lines.push(`              added    ${f}`);
      for (const f of s.drift.removed) lines.push(`              removed  ${f}`);
      for (const f of s.drift.changed) lines.push(`              changed  ${f}`);
    }
    lines.push('  history');
    for (const m of s.history) {
      lines.push(`    v${String(m.version).padEnd(3)} ${m.at}  ${m.action.padEnd(8)} ${m.releaseId}  by ${m.by}${m.previousReleaseId ? `  (was ${m.previousReleaseId})` : ''}`);
      if (m.note) lines.push(`         ${m.note}`);
    }
  }
  return lines.join('\n');
}
