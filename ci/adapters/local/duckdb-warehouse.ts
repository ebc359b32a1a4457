/**
 * Embedded warehouse: one DuckDB file per database under `.dataship/warehouse/<DATABASE>.duckdb`.
 * Clone is a file copy (Snowflake's zero-copy clone), swap is a rename through a temporary name
 * (Snowflake's `ALTER DATABASE … SWAP WITH`), so blue/green promotion and rollback work the same.
 */
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataShipError } from '../../core/errors.js';
import type { Warehouse } from '../types.js';

export function duckdbPathFor(opts: { dir: string; database: string }): string {
  return join(opts.dir, `${opts.database.toUpperCase()}.duckdb`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Creates an empty DuckDB database file (DuckDB writes its own header). */
async function createEmpty(path: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run('checkpoint');
  conn.closeSync();
  instance.closeSync?.();
}

export function createDuckdbWarehouse(opts: { dir: string }): Warehouse {
  const path = (name: string) => duckdbPathFor({ dir: opts.dir, database: name });
  const moveWithWal = async (from: string, to: string) => {
    await rename(from, to);
    if (await exists(`${from}.wal`)) await rename(`${from}.wal`, `${to}.wal`);
  };
  return {
    describe: () => `DuckDB files in ${opts.dir}`,
    async exists({ name }) {
      return exists(path(name));
    },
    async clone({ from, to }) {
      await mkdir(opts.dir, { recursive: true });
      if (!(await exists(path(from)))) await createEmpty(path(from));
      await rm(`${path(to)}.wal`, { force: true });
      await copyFile(path(from), path(to));
      if (await exists(`${path(from)}.wal`)) await copyFile(`${path(from)}.wal`, `${path(to)}.wal`);
      return { status: 'changed', summary: `cloned ${from} into ${to}` };
    },
    async swap({ a, b }) {
      const [pa, pb] = [path(a), path(b)];
      for (const [name, p] of [[a, pa], [b, pb]] as const) {
        if (!(await exists(p))) {
          throw new DataShipError({
            code: 'EWAREHOUSE',
            message: `cannot swap ${a} with ${b}: database ${name} does not exist`,
            operation: `ALTER DATABASE ${a} SWAP WITH ${b}`,
            hint: 'promotion creates the _NEXT database first; run promote before rollback',
          });
        }
      }
      const tmp = `${pa}.swap-${process.pid}`;
      await moveWithWal(pa, tmp);
      await moveWithWal(pb, pa);
      await moveWithWal(tmp, pb);
      return { status: 'changed', summary: `swapped ${a} with ${b}` };
    },
    async drop({ name }) {
      const existed = await exists(path(name));
      await rm(path(name), { force: true });
      await rm(`${path(name)}.wal`, { force: true });
      return existed ? { status: 'changed', summary: `dropped ${name}` } : { status: 'unchanged', summary: `${name} did not exist` };
    },
  };
}
