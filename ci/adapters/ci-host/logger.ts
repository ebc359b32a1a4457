/**
 * Loggers for each CI host. Every line passes the redactor before it is written.
 * - terminal: coloured when allowed, live progress on a TTY;
 * - jenkins: plain lines with a level prefix and section headers;
 * - github: workflow commands (groups, annotations, masks), written to the log stream.
 * With `--json` the log stream is stderr so stdout carries only machine output.
 */
import type { Logger } from '../../core/types.js';
import type { Redactor } from '../../core/redact.js';
import type { CiHost } from './detect.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface LoggerOptions {
  host: CiHost;
  redactor: Redactor;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
  verbosity: Verbosity;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const paint = { red: ansi('31'), green: ansi('32'), yellow: ansi('33'), dim: ansi('2'), bold: ansi('1'), cyan: ansi('36') };

type Where = { file?: string; line?: number; column?: number; title?: string };

/** GitHub workflow-command escaping for data and properties. */
function ghEscape(s: string, property = false): string {
  let out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  if (property) out = out.replace(/:/g, '%3A').replace(/,/g, '%2C');
  return out;
}

export function createLogger(opts: LoggerOptions): Logger {
  const { redactor, stream, host, verbosity } = opts;
  const color = opts.color && host === 'terminal';
  const tty = Boolean(stream.isTTY) && host === 'terminal';
  let progressShown = false;
  const write = (line: string) => {
    if (progressShown) {
      stream.write('\r\u001b[2K');
      progressShown = false;
    }
    stream.write(`${redactor.redact(line)}\n`);
  };
  if (host === 'github') redactor.onSecret((s) => stream.write(`::add-mask::${s}\n`));

  const annotate = (level: 'error' | 'warning', message: string, where?: Where) => {
    if (host === 'github') {
      const props = where
        ? Object.entries({ file: where.file, line: where.line, col: where.column, title: where.title })
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${ghEscape(String(v), true)}`)
            .join(',')
        : '';
      write(`::${level}${props ? ` ${props}` : ''}::${ghEscape(message)}`);
      return;
    }
    const loc = where?.file ? `${[where.file, where.line, where.column].filter((x) => x !== undefined).join(':')}: ` : '';
    const label = level === 'error' ? 'error' : 'warning';
    const prefix = color ? (level === 'error' ? paint.red(label) : paint.yellow(label)) : label.toUpperCase();
    write(`${prefix}: ${loc}${message}`);
  };

  return {
    debug(message) {
      if (verbosity !== 'verbose') return;
      if (host === 'github') write(`::debug::${ghEscape(message)}`);
      else write(color ? paint.dim(message) : `DEBUG ${message}`);
    },
    info(message) {
      if (verbosity === 'quiet') return;
      write(host === 'jenkins' ? `[dataship] ${message}` : message);
    },
    warn(message, where) {
      annotate('warning', message, where);
    },
    error(message, where) {
      annotate('error', message, where);
    },
    async group(title, fn) {
      if (host === 'github') write(`::group::${title}`);
      else if (verbosity !== 'quiet') write(color ? paint.bold(`▸ ${title}`) : host === 'jenkins' ? `[dataship] ---- ${title} ----` : `▸ ${title}`);
      try {
        return await fn();
      } finally {
        if (host === 'github') write('::endgroup::');
      }
    },
    progress(label, done, total) {
      if (!tty || verbosity === 'quiet') return;
      const pct = total ? ` ${Math.floor((done / total) * 100)}%` : '';
      stream.write(`\r\u001b[2K  ${redactor.redact(label)} ${formatBytes(done)}${total ? `/${formatBytes(total)}` : ''}${pct}`);
      progressShown = true;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
