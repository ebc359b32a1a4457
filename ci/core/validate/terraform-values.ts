/**
 * What a Terraform expression can be, as far as the files tell: each directory's variable
 * defaults, `*.tfvars` and locals, and the module graph (`module "x" { source = "../modules/x" }`),
 * so `${var.x}` inside a module resolves through the arguments of every call site. Also which
 * directories are prod: a directory named prod (or production/prd) and every local module it
 * calls, transitively. Pure.
 */
import type { TerraformFile } from './terraform-policy.js';

const PROD_SEGMENT = /(^|[/_.-])(prod|production|prd)([/_.-]|$)/i;

interface DirValues {
  vars: Map<string, unknown>;
  locals: Map<string, unknown>;
}

interface ModuleCall {
  fromDir: string;
  toDir: string;
  args: Record<string, unknown>;
}

export interface TerraformValues {
  /** Possible values of a string once `${var.x}` / `${local.x}` are replaced (one per call path); unknown references stay. */
  resolve(dir: string, text: string): string[];
  isProdDir(dir: string): boolean;
}

export function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

export function terraformValues(files: TerraformFile[]): TerraformValues {
  const dirs = new Map<string, DirValues>();
  const at = (d: string) => dirs.get(d) ?? dirs.set(d, { vars: new Map(), locals: new Map() }).get(d)!;
  const calls: ModuleCall[] = [];
  for (const f of files) {
    if (!f.json || !f.path.endsWith('.tf')) continue;
    const d = at(dirOf(f.path));
    for (const [name, defs] of Object.entries<any[]>(f.json.variable ?? {})) {
      const def = defs[0]?.default;
      if (def !== undefined && def !== null && !d.vars.has(name)) d.vars.set(name, def);
    }
    for (const locals of f.json.locals ?? []) for (const [name, v] of Object.entries(locals)) d.locals.set(name, v);
    for (const defs of Object.values<any[]>(f.json.module ?? {})) {
      const { source, ...args } = defs[0] ?? {};
      if (typeof source === 'string' && /^\.\.?\//.test(source)) calls.push({ fromDir: dirOf(f.path), toDir: normalize(`${dirOf(f.path)}/${source}`), args });
    }
  }
  for (const f of files) {
    if (f.json && /\.tfvars$/.test(f.path)) for (const [name, v] of Object.entries(f.json)) at(dirOf(f.path)).vars.set(name, v);
  }

  const prod = new Set<string>();
  const queue = [...new Set(files.map((f) => dirOf(f.path)).filter((d) => PROD_SEGMENT.test(d)))];
  while (queue.length) {
    const d = queue.shift()!;
    if (prod.has(d)) continue;
    prod.add(d);
    for (const c of calls) if (c.fromDir === d) queue.push(c.toDir);
  }

  const resolve = (dir: string, text: string, depth = 0): string[] => {
    if (depth > 6 || !text.includes('${')) return [text];
    const m = /\$\{\s*(var|local)\.([\w-]+)\s*\}/.exec(text);
    if (!m) return [text];
    const [ref, kind, name] = m;
    const own = kind === 'local' ? dirs.get(dir)?.locals.get(name) : dirs.get(dir)?.vars.get(name);
    let values: string[];
    if (typeof own === 'string') values = resolve(dir, own, depth + 1);
    else if (kind === 'var' && own === undefined) {
      const args = calls.filter((c) => c.toDir === dir && typeof c.args[name] === 'string');
      values = args.flatMap((c) => resolve(c.fromDir, c.args[name] as string, depth + 1));
      if (!values.length) values = [`\u0000${kind}.${name}\u0000`];
    } else values = [`\u0000${kind}.${name}\u0000`];
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + ref.length);
    return [...new Set(values.flatMap((v) => resolve(dir, after, depth + 1).map((a) => `${before}${v}${a}`)))].map((s) => s.replace(/\u0000(\w+\.[\w-]+)\u0000/g, '${$1}'));
  };

  return { resolve: (dir, text) => resolve(dir, text), isProdDir: (dir) => prod.has(dir) };
}
