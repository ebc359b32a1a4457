/**
 * Debian's openssh-server on loopback, as root, with its own host key, a client key pair and a
 * known_hosts file that pins the host key — so host-key checking is really on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, startService, type RunningService } from './process.js';

export interface Sshd extends RunningService {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  /** The host's public key line (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
  dir: string;
  /** Writes a known_hosts file for `host:port` with `publicKey` (e.g. another port, a wrong key). */
  knownHostsFor(opts: { port: number; publicKey?: string; file?: string }): string;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/** Resolves true once the server sends its SSH banner. */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => undefined);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.on('data', (d) => done(String(d).startsWith('SSH-')));
    s.on('error', () => done(false));
  });
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'sshd-'));
  const hostPublicKey = keygen(join(dir, 'host_key'));
  const clientPub = keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), `${clientPub}\n`, { mode: 0o600 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'MaxSessions 32',
      'MaxStartups 64',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const svc = await startService({
    name: 'sshd',
    command: '/usr/sbin/sshd',
    args: ['-D', '-e', '-f', config],
    ready: () => sshBanner(port),
    timeoutMs: 15_000,
  });
  const knownHostsFor: Sshd['knownHostsFor'] = (o) => {
    const file = o.file ?? join(dir, `known_hosts_${o.port}`);
    writeFileSync(file, `[127.0.0.1]:${o.port} ${o.publicKey ?? hostPublicKey}\n`);
    return file;
  };
  return {
    ...svc,
    host: '127.0.0.1',
    port,
    user,
    identityFile: join(dir, 'client_key'),
    knownHostsFile: knownHostsFor({ port, file: join(dir, 'known_hosts') }),
    hostPublicKey,
    dir,
    knownHostsFor,
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
