/**
 * The SSH transport against Debian's openssh-server on loopback: key auth, strict host-key
 * checking (a wrong or unknown key is refused), one connection per deploy, delta, refusal of a
 * broken DAG, rollback and drift — all through the real host script.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_SCRIPT_SHA256 } from '../../ci/adapters/airflow-host/host-script.js';
import { packDagBundle } from '../../ci/core/dag-bundle/index.js';
import { createSshDagHost } from '../../ci/adapters/airflow-host/ssh.js';
import { DataShipError } from '../../ci/core/errors.js';
import { dagFolder, hashTree, manifestHashes, memoryLogger, writeTree } from '../support/dag-fixtures.js';
import { startSshd, type Sshd } from '../support/sshd.js';

let sshd: Sshd;
let work: string;
let root: string;
const logger = memoryLogger();

beforeAll(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'dags-ssh-'));
  root = join(work, 'airflow', 'dags-root');
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

const target = (over: Partial<Parameters<typeof createSshDagHost>[0]> = {}) =>
  createSshDagHost({ host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile, root, logger, ...over });
async function pack(name: string, files: Record<string, string>) {
  const dir = join(work, 'src', name);
  writeTree(dir, files);
  return packDagBundle({ dir, outDir: join(work, 'bundles') });
}
const connections = () => (sshd.output().match(/Accepted publickey/g) ?? []).length;
const live = () => hashTree(join(root, 'current'));

describe('ssh DAG host', () => {
  it('refuses a host whose key is not the pinned one, and an unknown host', async () => {
    const other = join(work, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const wrong = sshd.knownHostsFor({ port: sshd.port, publicKey: execFileSync('cat', [`${other}.pub`]).toString().trim(), file: join(work, 'kh_wrong') });
    const h = target({ knownHostsFile: wrong });
    const e = (await h.currentDigest().catch((x: unknown) => x)) as DataShipError;
    expect(e).toBeInstanceOf(DataShipError);
    expect(e.code).toBe('EHOST');
    expect(e.message).toMatch(/host key/i);
    expect(e.hint).toMatch(/known_hosts/);
    await h.close();
    const empty = join(work, 'kh_empty');
    writeFileSync(empty, '');
    const u = (await target({ knownHostsFile: empty }).currentDigest().catch((x: unknown) => x)) as DataShipError;
    expect(u.code).toBe('EHOST');
    expect(u.message).toMatch(/host key verification failed/i);
    expect(existsSync(root)).toBe(false);
  });

  it('refuses a key the host does not authorise', async () => {
    const stranger = join(work, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const e = (await target({ identityFile: stranger }).currentDigest().catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EHOST');
    expect(e.message).toMatch(/Permission denied/);
  });

  it('deploys full then delta over one connection each, installing the script once', async () => {
    const v1 = await pack('v1', dagFolder({ count: 40 }));
    const files2 = dagFolder({ count: 40 });
    files2['dags/dag_007.py'] += '# changed\n';
    const v2 = await pack('v2', files2);

    const before = connections();
    const h1 = target();
    expect(await h1.currentDigest()).toBeNull();
    const r1 = await h1.deploy({ bundle: v1, keep: 3 });
    await h1.close();
    expect(r1.details).toMatchObject({ mode: 'full', compiled: 42 });
    expect(connections() - before).toBe(1); // probe, install, probe again, deploy: one connection
    expect(readdirSync(join(root, '.dataship', 'bin'))).toEqual([`host-${HOST_SCRIPT_SHA256}.sh`]);
    expect(live()).toEqual(manifestHashes(v1.manifest));

    const h2 = target();
    const r2 = await h2.deploy({ bundle: v2, keep: 3 });
    await h2.close();
    expect(r2.details).toMatchObject({ mode: 'delta', filesSent: 1, linked: 43, compiled: 1 });
    expect(r2.details!.bytesSent as number).toBeLessThan(1_500);
    expect(live()).toEqual(manifestHashes(v2.manifest));
    expect(connections() - before).toBe(2);

    // Same digest again: unchanged, nothing sent.
    const h3 = target();
    expect((await h3.deploy({ bundle: v2, keep: 3 })).status).toBe('unchanged');
    // Rollback: one switch back to v1's files, exactly.
    await h3.activate({ bundleDigest: v1.digest });
    expect(live()).toEqual(manifestHashes(v1.manifest));
    expect(await h3.currentDigest()).toBe(v1.digest);
    await h3.close();
  });

  it('refuses a broken DAG over SSH, naming file and line; current stays', async () => {
    const h = target();
    const was = await h.currentDigest();
    const files = dagFolder({ count: 40 });
    files['dags/dag_012.py'] = files['dags/dag_012.py'].replace('catchup=False,', 'catchup=False,,');
    const bad = await pack('bad', files);
    const e = (await h.deploy({ bundle: bad, keep: 3 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EDAGCOMPILE');
    expect(e.location).toMatchObject({ file: 'dags/dag_012.py', line: 7 });
    expect(await h.currentDigest()).toBe(was);
    await h.close();
  });

  it('reports a file edited by hand on the host', async () => {
    const h = target();
    const cur = await h.currentDigest();
    appendFileSync(join(root, 'current', 'dags/dag_001.py'), '# quick fix on the box\n');
    // By digest alone: the host checks against the manifest it keeps for that release.
    expect(await h.drift({ bundleDigest: cur! })).toEqual({ added: [], removed: [], changed: ['dags/dag_001.py'] });
    await h.close();
  });
});
