/** `dataship report`: prints the newest run's record in a chosen format. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { statePaths } from './adapters/state-paths.js';
import { readJson } from './adapters/local/files.js';
import { DataShipError, exitCodeFor, toDataShipError } from './core/errors.js';
import type { RunRecord } from './core/run-record.js';
import { printError, type CommandOptions, type CommandResult } from './run-command.js';

export async function reportCommand(opts: CommandOptions & { format: string }): Promise<CommandResult> {
  try {
    const runs = statePaths({ cwd: opts.cwd }).runs;
    const ids = (await readdir(runs).catch(() => [] as string[])).sort();
    let record: RunRecord | null = null;
    for (const id of ids.reverse()) {
      record = await readJson<RunRecord>({ path: join(runs, id, 'result.json') });
      if (record) break;
    }
    if (!record) throw new DataShipError({ code: 'ENOTFOUND', message: `no run records in ${runs}`, hint: 'run a command first, e.g. dataship run push-to-deploy --local' });
    const r = await import('./core/report/index.js');
    const text =
      opts.format === 'json' ? JSON.stringify(record, null, 2)
      : opts.format === 'junit' ? r.renderJunit({ record })
      : opts.format === 'html' ? r.renderHtml({ record })
      : opts.format === 'markdown' ? r.renderMarkdown({ record })
      : r.renderText({ record, color: false });
    opts.stdout.write(`${text}\n`);
    return { exitCode: 0, record };
  } catch (err) {
    const e = toDataShipError(err, { code: 'EINTERNAL' });
    printError({ err: e, stream: opts.stderr, env: opts.env });
    return { exitCode: exitCodeFor(e), error: e };
  }
}
