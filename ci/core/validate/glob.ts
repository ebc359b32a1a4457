/**
 * Python's `fnmatch` (what dbt uses for selector wildcards: `*` matches anything, dots and slashes
 * included; `?` one character; `[seq]`, `[!seq]`) and path globs (`*` within one segment, `**`
 * across segments) as regular expressions. Pure.
 */

function escape(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

function translate(pattern: string, star: string, question: string, doubleStar?: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (doubleStar && pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          re += doubleStar;
          i++;
        } else re += '.*';
      } else re += star;
    } else if (c === '?') re += question;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

/** Python `fnmatch.fnmatchcase`. */
export function fnmatch(name: string, pattern: string): boolean {
  return translate(pattern, '.*', '.').test(name);
}

/** Whether a selector part holds a wildcard (as dbt decides it). */
export function hasWildcard(s: string): boolean {
  return /[*?[\]]/.test(s);
}

/** Path glob: `*` and `?` stay within a segment, `**` spans segments. */
export function globToRegExp(pattern: string): RegExp {
  return translate(pattern, '[^/]*', '[^/]', '(?:.*/)?');
}
