/**
 * The main job and its promises, end to end through the compiled CLI on the embedded backends:
 * push-to-deploy, a no-op rerun, promotion and rollback history, bad configuration, dry runs and
 * secrets. dbt is the test double from test/support/fake-dbt where a test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { baseEnv, createWorkspace, hashTree, readAllFiles, REPO_ROOT, type Workspace } from '../support/workspace.js';
import { startReceiver } from '../support/http-receiver.js';

const require = createRequire(import.meta.url);

async function runDirs(ws: Workspace): Promise<string[]> {
  return (await readdir(join(ws.dir, '.dataship/runs')).catch(() => [])).sort();
}

async function latestRecord(ws: Workspace): Promise<any> {
  const runs = await runDirs(ws);
  return JSON.parse(await readFile(join(ws.dir, '.dataship/runs', runs[runs.length - 1], 'result.json'), 'utf8'));
}

describe('push-to-deploy on the embedded backends (no dbt installed)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace({ withDbt: false });
  });
  afterAll(async () => ws.remove());

  it('runs every step, shows status and time, and writes the run record, JUnit XML and HTML report', async () => {
    const r = await ws.run(['run', 'push-to-deploy', '--local']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const step of ['validate', 'build', 'image-tag', 'sync-dags', 'pointer', 'test', 'gate']) {
      expect(r.stdout).toMatch(new RegExp(`(changed|unchanged|skipped)\\s+${step}\\s+\\d+\\.\\d\\ds`));
    }
    expect(r.stdout).toContain('dbt is not installed (pip install dbt-duckdb)');
    expect(r.stdout).toMatch(/report\s+unchanged\s+reports in \.dataship\/runs\//);
    const record = await latestRecord(ws);
    expect(record.verdict).toBe('unverified');
    expect(record.headline).toContain('dbt-tests: tests did not run');
    const Ajv = require('ajv');
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(JSON.parse(await readFile(join(REPO_ROOT, 'schema/run-result.schema.json'), 'utf8')));
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    const dir = join(ws.dir, '.dataship/runs', record.runId);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(record.release.id);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/);
    // The dev host runs the release's DAG bundle through an atomic `current` link.
    const current = await readlink(join(ws.dir, '.dataship/hosts/dev/current'));
    expect(current).toContain(record.release.dags.bundleDigest.replace('sha256:', '').slice(0, 12));
  });

  it('a rerun with nothing changed reports every step unchanged or skipped and copies nothing', async () => {
    const before = await hashTree(join(ws.dir, '.dataship/registry'));
    const hostBefore = await hashTree(join(ws.dir, '.dataship/hosts'));
    const r = await ws.run(['run', 'push-to-deploy', '--local']);
    expect(r.code).toBe(0);
    const record = await latestRecord(ws);
    for (const s of record.steps) expect(['unchanged', 'skipped'], `${s.name}: ${s.status}`).toContain(s.status);
    expect(await hashTree(join(ws.dir, '.dataship/registry'))).toBe(before);
    expect(await hashTree(join(ws.dir, '.dataship/hosts'))).toBe(hostBefore);
  });

  it('refuses to promote a release whose tests did not run, and changes nothing in prod', async () => {
    const r = await ws.run(['promote', '--to', 'prod', '--local']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('dbt-tests did not run in dev');
    expect(await stat(join(ws.dir, '.dataship/hosts/prod/current')).then(() => true, () => false)).toBe(false);
    const status = await ws.run(['status', '--env', 'prod', '--local']);
    expect(status.stdout).toContain('none deployed');
  });

  it('build --json prints the release with its image digest', async () => {
    const r = await ws.run(['build', '--local', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.release.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.release.id).toMatch(/^r-[0-9a-f]{16}$/);
  });
  it('status reports a DAG file edited, added or removed on the host by hand, and exits 1', async () => {
    const { appendFile, readdir: ls, rm: remove } = await import('node:fs/promises');
    const current = join(ws.dir, '.dataship/hosts/dev/current');
    expect((await ws.run(['status', '--env', 'dev', '--local'])).stdout).toContain('drift     none');
    const dag = (await ls(current)).find((f) => f.endsWith('.py'))!;
    await appendFile(join(current, dag), '\n# hotfix typed on the host\n');
    await writeFile(join(current, 'stray_dag.py'), 'x = 1\n');
    await remove(join(current, '.airflowignore'));
    const r = await ws.run(['status', '--env', 'dev', '--local']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`changed +${dag.replace('.', '\\.')}`));
    expect(r.stdout).toMatch(/added +stray_dag\.py/);
    expect(r.stdout).toMatch(/removed +\.airflowignore/);
  });
});

describe('promotion and rollback (dbt test double on PATH)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace({ withDbt: true });
  });
  afterAll(async () => ws.remove());

  it('records both moves in prod history and rollback restores the earlier release on the host', async () => {
    expect((await ws.run(['run', 'push-to-deploy', '--local'])).code).toBe(0);
    const r1 = (await latestRecord(ws)).release;
    expect((await ws.run(['promote', '--to', 'prod', '--local'])).code).toBe(0);

    const model = join(ws.dir, 'dbt/models/marts');
    const sql = (await readdir(model)).find((f) => f.endsWith('.sql'))!;
    await writeFile(join(model, sql), `${await readFile(join(model, sql), 'utf8')}\n-- a change\n`);
    ws.commit('change a model');
    expect((await ws.run(['run', 'push-to-deploy', '--local'])).code).toBe(0);
    const r2 = (await latestRecord(ws)).release;
    expect(r2.id).not.toBe(r1.id);
    const promoted = await ws.run(['promote', '--to', 'prod', '--local']);
    expect(promoted.code, promoted.stdout + promoted.stderr).toBe(0);

    const rolled = await ws.run(['rollback', '--env', 'prod', '--local']);
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    const status = await ws.run(['status', '--env', 'prod', '--local', '--json']);
    const prod = JSON.parse(status.stdout).environments[0];
    expect(prod.history.map((m: any) => `${m.action}:${m.releaseId}`)).toEqual([`rollback:${r1.id}`, `promote:${r2.id}`, `promote:${r1.id}`]);
    expect(prod.current.releaseId).toBe(r1.id);
    const current = await readlink(join(ws.dir, '.dataship/hosts/prod/current'));
    expect(current).toContain(r1.dags.bundleDigest.replace('sha256:', '').slice(0, 12));
    const text = await ws.run(['status', '--env', 'prod', '--local']);
    expect(text.stdout).toContain('rollback');
    expect(text.stdout).toContain('by e2e-tester');
  });
});

describe('bad input changes nothing', () => {
  it('a configuration with two unknown top-level keys and a wrong type exits 2 with all three errors and writes nothing', async () => {
    const ws = await createWorkspace();
    try {
      const text = await readFile(join(ws.dir, 'dataship.yaml'), 'utf8');
      const broken = text.replace('version: 1\n', 'version: 1\nenviroment: {}\nnotifcations: {}\n').replace('keep: 5', 'keep: five');
      await ws.write('dataship.yaml', broken);
      const lineOf = (needle: string) => broken.split('\n').findIndex((l) => l.includes(needle)) + 1;
      const r = await ws.run(['run', 'push-to-deploy', '--local']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`dataship.yaml:${lineOf('enviroment:')}:1: unknown key "enviroment"`);
      expect(r.stderr).toContain(`dataship.yaml:${lineOf('notifcations:')}:1: unknown key "notifcations"`);
      expect(r.stderr).toContain('did you mean "notifications"?');
      expect(r.stderr).toMatch(new RegExp(`dataship.yaml:${lineOf('keep: five')}:\\d+: environments.dev.airflowHost.keep: must be integer`));
      expect(await stat(join(ws.dir, '.dataship')).then(() => true, () => false)).toBe(false);
    } finally {
      await ws.remove();
    }
  });
});

describe('--dry-run leaves the tree byte-identical', () => {
  it('for every command, on a workspace that already has releases in dev and prod', async () => {
    const ws = await createWorkspace({ withDbt: true });
    try {
      expect((await ws.run(['run', 'push-to-deploy', '--local'])).code).toBe(0);
      expect((await ws.run(['promote', '--to', 'prod', '--local'])).code).toBe(0);
      await writeFile(join(ws.dir, 'dbt/models/marts/new_change.sql'), 'select 1 as id\n');
      const before = await hashTree(ws.dir);
      const commands = [
        ['validate'], ['build'], ['deploy', '--env', 'dev'], ['sync-dags', '--env', 'dev'], ['test', '--env', 'dev'], ['gate', '--env', 'dev'],
        ['promote', '--to', 'prod'], ['rollback', '--env', 'prod'], ['status'], ['report'],
        ['run', 'push-to-deploy'], ['run', 'pr-check'], ['run', 'nightly'], ['run', 'promote'], ['run', 'rollback'],
      ];
      for (const c of commands) {
        const r = await ws.run([...c, '--local', '--dry-run']);
        expect(r.code, `${c.join(' ')}: ${r.stderr}`).toBeLessThan(3);
        expect(await hashTree(ws.dir), c.join(' ')).toBe(before);
      }
    } finally {
      await ws.remove();
    }
  });
});

describe('secrets never leak', () => {
  it('a secret in the environment, referenced by the configuration, is in no output and no file the run writes', async () => {
    const ws = await createWorkspace({ withDbt: true });
    const slack = await startReceiver();
    // Slack hears about every outcome here, so its messages are searched too.
    const config = await readFile(join(ws.dir, 'dataship.yaml'), 'utf8');
    await ws.write('dataship.yaml', config.replace('    on: [failure]\n  github:', '    on: [success, failure]\n  github:'));
    ws.commit('notify on success too');
    const secrets = {
      SNOWFLAKE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7planted\n-----END PRIVATE KEY-----',
      SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/plantedwebhooksecret`,
      GITHUB_TOKEN: 'ghp_plantedTokenValue0123456789abcdefABCD',
    };
    const summaryFile = join(ws.dir, '..', `${ws.dir.split('/').pop()}-summary.md`);
    // The dbt double echoes these variables the way a careless debug log would.
    const env = baseEnv({ withDbt: true, extra: { ...secrets, FAKE_DBT_ECHO_ENV: 'SNOWFLAKE_PRIVATE_KEY,SLACK_WEBHOOK_URL,GITHUB_TOKEN' } });
    try {
      const outputs: string[] = [];
      for (const c of [['run', 'push-to-deploy'], ['promote', '--to', 'prod'], ['status'], ['report', '--format', 'html'], ['report', '--format', 'junit'], ['build', '--json'], ['rollback', '--env', 'prod', '--verbose']]) {
        const r = await ws.run([...c, '--local'], { env: { ...env, GITHUB_STEP_SUMMARY: summaryFile } });
        outputs.push(r.stdout, r.stderr);
      }
      const files = [...(await readAllFiles(join(ws.dir, '.dataship'))), ...(await readAllFiles(ws.dir + '/dbt/target'))];
      const summary = await readFile(summaryFile, 'utf8').catch(() => '');
      expect(files.length).toBeGreaterThan(10);
      for (const [name, value] of Object.entries(secrets)) {
        const needles = [value, ...value.split('\n').filter((l) => l.length >= 8)];
        for (const needle of needles) {
          outputs.forEach((o) => expect(o.includes(needle), `${name} in CLI output`).toBe(false));
          files.forEach((f) => expect(f.text.includes(needle), `${name} in ${f.path}`).toBe(false));
          expect(summary.includes(needle), `${name} in the step summary`).toBe(false);
        }
      }
      // Slack got messages, and none carries a secret.
      expect(slack.requests.length).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(secrets)) {
        for (const req of slack.requests) expect(req.body.includes(value), `${name} sent to Slack`).toBe(false);
      }
      // The planted values really were there to leak: the double printed them, masked.
      expect(outputs.join('\n')).toContain('***');
    } finally {
      await slack.close();
      await ws.remove();
      await rm(summaryFile, { force: true });
    }
  });
});

describe('the zx job scripts', () => {
  it('compose library steps into the same pipelines: push-to-deploy, promote, rollback', async () => {
    const ws = await createWorkspace({ withDbt: true });
    const { spawnSync } = await import('node:child_process');
    const zx = join(REPO_ROOT, 'node_modules/zx/build/cli.js');
    const script = (name: string, ...args: string[]) =>
      spawnSync(process.execPath, [zx, join(REPO_ROOT, 'scripts', name), '--local', ...args], { cwd: ws.dir, env: baseEnv({ withDbt: true }) as NodeJS.ProcessEnv, encoding: 'utf8' });
    try {
      const deployed = script('push-to-deploy.mjs');
      expect(deployed.status, deployed.stderr).toBe(0);
      expect(deployed.stdout).toMatch(/changed\s+sync-dags/);
      expect(deployed.stdout).toContain('verdict passed');
      const promoted = script('promote.mjs', '--to', 'prod');
      expect(promoted.status, promoted.stdout + promoted.stderr).toBe(0);
      expect(promoted.stdout).toMatch(/changed\s+warehouse-swap/);
      const status = JSON.parse((await ws.run(['status', '--env', 'prod', '--local', '--json'])).stdout).environments[0];
      expect(status.current.action).toBe('promote');
      const rolled = script('rollback.mjs', '--env', 'prod');
      // prod has no earlier release: an input error (exit 2) that names the problem.
      expect(rolled.status).toBe(2);
      expect(rolled.stdout + rolled.stderr).toContain('prod has no earlier release to roll back to');
    } finally {
      await ws.remove();
    }
  });
});

describe('npm run demo', () => {
  it('completes, and run again with nothing changed, every step of every run is unchanged or skipped', async () => {
    const ws = await createWorkspace({ withDbt: false });
    const { spawnSync } = await import('node:child_process');
    const demo = () => spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], { cwd: ws.dir, env: baseEnv({ withDbt: false }) as NodeJS.ProcessEnv, encoding: 'utf8' });
    try {
      const first = demo();
      expect(first.status, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toContain('break-glass override');
      // The override is on the record: who gave it and why, in prod's history.
      expect(first.stdout).toContain('note      gate overridden by e2e-tester: demo: dbt is not installed on this machine');
      expect(first.stdout).toMatch(/prod\n {2}release {3}r-[0-9a-f]{16}/);
      const before = new Set(await runDirs(ws));
      const registry = await hashTree(join(ws.dir, '.dataship/registry'));
      const hosts = await hashTree(join(ws.dir, '.dataship/hosts'));
      const second = demo();
      expect(second.status, second.stdout + second.stderr).toBe(0);
      expect(second.stdout).not.toContain('break-glass override');
      const rerun = (await runDirs(ws)).filter((d) => !before.has(d));
      expect(rerun).toHaveLength(2); // push-to-deploy and promote
      for (const id of rerun) {
        const record = JSON.parse(await readFile(join(ws.dir, '.dataship/runs', id, 'result.json'), 'utf8'));
        for (const s of record.steps) expect(['unchanged', 'skipped'], `${record.job} ${s.name}: ${s.status} ${s.summary ?? ''}`).toContain(s.status);
      }
      expect(await hashTree(join(ws.dir, '.dataship/registry'))).toBe(registry);
      expect(await hashTree(join(ws.dir, '.dataship/hosts'))).toBe(hosts);
    } finally {
      await ws.remove();
    }
  });
});
