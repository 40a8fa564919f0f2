import { resolve } from 'node:path';

/** --db, else OVERHEAR_DB, else ./overhear.db (the contract). */
export function catalogPath(opt: string | undefined): string {
  return resolve(opt ?? process.env.OVERHEAR_DB ?? 'overhear.db');
}
