/**
 * `.airflowignore` matching with Airflow's own semantics (airflow/utils/file.py,
 * `_find_path_from_directory`), so the bundle holds exactly what Airflow would look at:
 * - Each line loses `\s*#.*` (comments); empty lines are skipped.
 * - A directory's rules are its parent's plus those of its own `.airflowignore`.
 * - `regexp` syntax (Airflow's default): a path is ignored when the pattern is found anywhere
 *   (`re.search`) in the path relative to the DAG folder's root.
 * - `glob` syntax: gitignore wildmatch (pathspec's GitWildMatchPattern). A pattern with a slash at
 *   the start or in the middle is matched against the path relative to the ignore file's folder,
 *   others against the file or folder name; a trailing `/` matches folders only; `!` re-includes;
 *   the last matching rule wins.
 * Pure: the caller walks the tree and hands in the ignore files' text.
 */

export type IgnoreSyntax = 'regexp' | 'glob';

export interface IgnoreRule {
  syntax: IgnoreSyntax;
  regex: RegExp;
  /** glob only: true ignores, false re-includes (`!pattern`). */
  include: boolean;
  /** glob only: folder (relative to the DAG root, '' for the root) the pattern is anchored at. */
  relativeTo: string | null;
  rawPattern: string;
  source: { file: string; line: number };
}

export interface IgnoreWarning {
  message: string;
  location: { file: string; line: number };
}

/** Rules from one `.airflowignore`; invalid patterns are skipped with a warning, as Airflow does. */
export function parseIgnoreFile(opts: { text: string; syntax: IgnoreSyntax; dir: string; file: string }): {
  rules: IgnoreRule[];
  warnings: IgnoreWarning[];
} {
  const rules: IgnoreRule[] = [];
  const warnings: IgnoreWarning[] = [];
  opts.text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s*#.*/, '');
    if (!line) return;
    const source = { file: opts.file, line: i + 1 };
    try {
      if (opts.syntax === 'regexp') {
        // Python's named groups `(?P<name>…)` are `(?<name>…)` in JavaScript.
        rules.push({ syntax: 'regexp', regex: new RegExp(line.replace(/\(\?P</g, '(?<')), include: true, relativeTo: null, rawPattern: line, source });
        return;
      }
      if (line.trim() === '/') {
        warnings.push({ message: `ignoring no-op glob pattern '/'`, location: source });
        return;
      }
      const compiled = wildmatchToRegex(line);
      if (!compiled) return;
      const anchored = line.startsWith('/') || line.replace(/\/+$/, '').includes('/');
      rules.push({ syntax: 'glob', regex: compiled.regex, include: compiled.include, relativeTo: anchored ? opts.dir : null, rawPattern: line, source });
    } catch (err) {
      warnings.push({ message: `ignoring invalid pattern '${line}': ${(err as Error).message}`, location: source });
    }
  });
  return { rules, warnings };
}

/** Whether Airflow would ignore `path` (relative to the DAG root) under `rules`. */
export function isIgnored(opts: { rules: IgnoreRule[]; path: string; isDir: boolean }): boolean {
  const { rules, path, isDir } = opts;
  let matched = false;
  for (const rule of rules) {
    if (rule.syntax === 'regexp') {
      if (rule.regex.test(path)) return true;
      continue;
    }
    let rel = rule.relativeTo === null ? path.slice(path.lastIndexOf('/') + 1) : relativeTo(rule.relativeTo, path);
    if (rel === null) continue;
    if (rule.rawPattern.endsWith('/') && isDir) rel += '/';
    if (rule.regex.test(rel)) matched = rule.include;
  }
  return matched;
}

function relativeTo(dir: string, path: string): string | null {
  if (!dir) return path;
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : null;
}

/**
 * gitignore wildmatch → RegExp, following pathspec's GitWildMatchPattern: returns null for a
 * no-op pattern.
 */
export function wildmatchToRegex(input: string): { regex: RegExp; include: boolean } | null {
  let pattern = input.trim();
  if (!pattern || pattern.startsWith('#') || pattern === '/') return null;
  let include = true;
  if (pattern.startsWith('!')) {
    include = false;
    pattern = pattern.slice(1);
  }
  if (pattern.startsWith('\\')) pattern = pattern.slice(1);
  const segs = pattern.split('/');
  if (!segs[0]) segs.shift();
  else if (segs.length === 1 || (segs.length === 2 && !segs[1])) {
    if (segs[0] !== '**') segs.unshift('**');
  }
  if (segs.length > 1 && !segs[segs.length - 1]) segs[segs.length - 1] = '**';
  let out = '^';
  let needSlash = false;
  const end = segs.length - 1;
  segs.forEach((seg, i) => {
    if (seg === '**') {
      if (i === 0 && i === end) out += '.+';
      else if (i === 0) {
        out += '(?:.+/)?';
        needSlash = false;
      } else if (i === end) out += '/.*';
      else {
        out += '(?:/.+)?';
        needSlash = true;
      }
    } else if (seg === '*') {
      out += `${needSlash ? '/' : ''}[^/]+`;
      needSlash = true;
    } else {
      out += `${needSlash ? '/' : ''}${segmentGlob(seg)}`;
      if (i === end && include) out += '(?:/.*)?';
      needSlash = true;
    }
  });
  return { regex: new RegExp(`${out}$`), include };
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function segmentGlob(p: string): string {
  let re = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i++];
    if (c === '\\') re += i < p.length ? escapeRe(p[i++]) : '';
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      let j = i;
      if (p[j] === '!') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') j++;
      if (j >= p.length) {
        re += '\\[';
        continue;
      }
      let expr = '[';
      if (p[i] === '!') {
        expr += '^';
        i++;
      } else if (p[i] === '^') {
        expr += '\\^';
        i++;
      }
      expr += p.slice(i, j).replace(/\\/g, '\\\\').replace(/\]/g, (m, off: number) => (off === 0 ? '\\]' : m));
      re += `${expr}]`;
      i = j + 1;
    } else re += escapeRe(c);
  }
  return re;
}

/**
 * Folders and files that Airflow never needs at run time, left out of every bundle whatever the
 * `.airflowignore` says: bytecode caches, VCS and tool caches, virtualenvs, editor and OS litter.
 * Everything else (helper packages, SQL/YAML/JSON/Markdown templates, shell scripts) is kept,
 * because DAGs read such files at run time (`template_searchpath` defaults to the DAG folder).
 */
const NOT_NEEDED_DIRS = new Set(['__pycache__', '.git', '.hg', '.svn', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.venv', 'venv', '.idea', '.vscode', 'node_modules', '.ipynb_checkpoints']);
const NOT_NEEDED_FILES = /^(?:.*\.py[co]|\.DS_Store|Thumbs\.db|\..*\.sw[po]|.*~|\.coverage)$/;

export function isNotNeededByAirflow(opts: { name: string; isDir: boolean }): boolean {
  return opts.isDir ? NOT_NEEDED_DIRS.has(opts.name) : NOT_NEEDED_FILES.test(opts.name);
}
