/** Reading the host script's `key=value` output and turning its failures into DataShipErrors. */
import { DataShipError, type Problem } from '../../core/errors.js';
import type { HostRun } from './channel.js';

export type HostOutput = Map<string, string[]>;

export function parseHostOutput(stdout: string): HostOutput {
  const out: HostOutput = new Map();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0 || !/^[a-z-]+$/.test(line.slice(0, i))) continue;
    const k = line.slice(0, i);
    out.set(k, [...(out.get(k) ?? []), line.slice(i + 1)]);
  }
  return out;
}

export function one(out: HostOutput, key: string): string | undefined {
  return out.get(key)?.[0];
}

/** `dags/x.py:3:5: SyntaxError: invalid syntax` → a Problem with its location. */
export function parseCompileError(text: string): Problem {
  const m = /^(.*?):(\d+):(\d+): (.*)$/.exec(text);
  if (!m) return { message: text };
  const line = Number(m[2]);
  const column = Number(m[3]);
  return { message: m[4], location: { file: m[1], ...(line ? { line } : {}), ...(column ? { column } : {}) } };
}

const EXIT_MEANING: Record<number, string> = {
  1: 'the host script failed',
  2: 'the host script was called wrongly (a dataship bug)',
  4: 'the delta could not be applied',
  5: 'the bundle arrived damaged',
  6: 'the bundle is not on the host',
  7: 'another deploy holds the lock',
};

/** The error for a failed run of the host script. */
export function hostFailure(opts: { run: HostRun; host: string; operation: string; digest?: string; previous?: string | null }): DataShipError {
  const { run, host, operation } = opts;
  const out = parseHostOutput(run.stdout);
  if (run.code === 3) {
    const problems = (out.get('compile-error') ?? []).map(parseCompileError);
    const first = problems[0];
    const where = first?.location ? `${first.location.file}:${first.location.line ?? 0}: ` : '';
    return new DataShipError({
      code: 'EDAGCOMPILE',
      message: `DAG bundle refused by ${host}: ${where}${first?.message ?? 'a DAG file does not compile'}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      location: first?.location,
      problems,
      operation,
      hint: `fix the file and deploy again; the host still runs ${opts.previous ? `bundle ${opts.previous.slice(0, 12)}` : 'what it ran before'}`,
    });
  }
  const said = one(out, 'error') ?? lastLines(run.stderr) ?? lastLines(run.stdout) ?? '';
  const what = run.code === -1 ? 'the host script was killed' : (EXIT_MEANING[run.code] ?? `the host script exited with ${run.code}`);
  return new DataShipError({
    code: 'EHOST',
    message: `${host}: ${what}${said ? `: ${said}` : ''}`,
    operation,
    hint:
      run.code === 7
        ? 'wait for the other deploy to finish; if none is running, remove <root>/.dataship/lock on the host'
        : run.code === 6
          ? 'deploy the bundle again (it was pruned or never deployed to this host)'
          : 'the DAG folder was left as it was; see the host output above and run the deploy again',
  });
}

function lastLines(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines.slice(-3).join(' | ') : undefined;
}
