/**
 * The deterministic entry list of the dbt project layer: which files go in, in what order, with
 * which names, modes and owners. Pure: the adapter that writes the tar walks the directory and
 * hands the raw listing here.
 */
import { compareBytes } from './digest.js';

/** Where the dbt project lives inside the image. */
export const PROJECT_PREFIX = 'app/dbt';

/** Fixed metadata of every entry, so the same tree gives the same bytes on every machine. */
export const FIXED_MTIME = new Date(0);
export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;
export const EXEC_MODE = 0o755;
export const LINK_MODE = 0o777;

/** The OCI opaque whiteout: hides whatever a lower layer had under the project directory. */
export const OPAQUE_WHITEOUT = '.wh..wh..opq';

/** Top-level directories of a dbt project that are build output, not source. */
const EXCLUDED_TOP = new Set(['target', 'dbt_packages', 'logs']);
/** Names excluded anywhere in the tree. */
const EXCLUDED_ANY = new Set(['.git', '.user.yml', '__pycache__', '.DS_Store']);

/** Whether a project-relative path (with `/`) stays out of the layer. */
export function isExcludedProjectPath(relPath: string): boolean {
  const parts = relPath.split('/').filter(Boolean);
  if (parts.length === 0) return false;
  if (EXCLUDED_TOP.has(parts[0])) return true;
  return parts.some((p) => EXCLUDED_ANY.has(p) || p.endsWith('.pyc') || p.startsWith('.wh.'));
}

/** One file found under the project directory. */
export interface ProjectFile {
  /** Relative to the project directory, `/` separators. */
  path: string;
  type: 'file' | 'symlink';
  size: number;
  /** Any execute bit set on the source file. */
  executable: boolean;
  linkname?: string;
}

export interface LayerEntry {
  name: string;
  type: 'directory' | 'file' | 'symlink';
  mode: number;
  size: number;
  linkname?: string;
  /** The project-relative source path of a file entry. */
  source?: string;
}

/**
 * Orders and normalises the layer's entries: `app/`, `app/dbt/`, the opaque whiteout, then every
 * directory that holds an included file and every file, sorted byte-wise by name. Empty
 * directories are left out (git does not keep them, so a fresh clone must give the same layer).
 */
export function planLayerEntries(opts: { files: ProjectFile[]; prefix?: string }): LayerEntry[] {
  const prefix = (opts.prefix ?? PROJECT_PREFIX).replace(/^\/+|\/+$/g, '');
  const files = opts.files.filter((f) => !isExcludedProjectPath(f.path));
  const dirs = new Set<string>();
  const entries: LayerEntry[] = [];
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    const name = `${prefix}/${f.path}`;
    if (f.type === 'symlink') entries.push({ name, type: 'symlink', mode: LINK_MODE, size: 0, linkname: f.linkname ?? '', source: f.path });
    else entries.push({ name, type: 'file', mode: f.executable ? EXEC_MODE : FILE_MODE, size: f.size, source: f.path });
  }
  for (const d of dirs) entries.push({ name: `${prefix}/${d}/`, type: 'directory', mode: DIR_MODE, size: 0 });
  entries.sort((a, b) => compareBytes(a.name, b.name));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].name === entries[i - 1].name) throw new Error(`duplicate layer entry: ${entries[i].name}`);
  }
  const head: LayerEntry[] = [];
  const segments = prefix.split('/');
  for (let i = 1; i <= segments.length; i++) head.push({ name: `${segments.slice(0, i).join('/')}/`, type: 'directory', mode: DIR_MODE, size: 0 });
  head.push({ name: `${prefix}/${OPAQUE_WHITEOUT}`, type: 'file', mode: FILE_MODE, size: 0 });
  return [...head, ...entries];
}
