// Run after `npm install <pkg>` on these machines: the npm registry mirror here lacks some
// platform-specific optional packages (other OSes/CPUs), which npm then leaves out of the lock file,
// and `npm ci` refuses such a lock. Usage: node .ci/fix-lockfile.mjs
// One-time repair: record platform-specific optional packages the registry mirror does not serve,
// with os/cpu/libc so `npm ci` on this platform neither needs nor fetches them.
import { readFileSync, writeFileSync } from 'node:fs';
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'openharmony', 'netbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'ppc', 'mips'];
let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[base] || pkgs[`node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p)) ?? (name.includes('x64') ? 'x64' : undefined);
    if (!os && !cpu) { console.error('cannot place', name); continue; }
    const e = { version: spec, optional: true };
    if (cpu) e.cpu = [cpu];
    if (os) e.os = [os];
    if (name.includes('musl')) e.libc = ['musl'];
    else if (os === 'linux') e.libc = ['glibc'];
    pkgs[`node_modules/${name}`] = e;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
