import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ingestCommand } from './ingest.js';
import { endpointsCommand } from './endpoints.js';
import { findingsCommand } from './findings.js';
import { serveCommand } from './serve.js';
import { specImportCommand } from './spec.js';
import { loadConfig } from '@overhear/pipeline';

/** The shipped captures, relative to this file (packages/cli/dist/src/commands/). */
export const capturesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../captures');

/**
 * The main job on the shipped captures: a fresh catalog, the demo HAR
 * ingested into it, the inventory and findings printed; then the dashboard
 * served on it until Ctrl-C — when stdout is a terminal or `--serve` is given,
 * never with `--no-serve` (so scripts and tests can run the demo and exit).
 */
export async function demoCommand(opts: { db?: string; serve?: boolean; port?: string }): Promise<number> {
  const db = resolve(opts.db ?? 'overhear-demo.db');
  for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(db + suffix, { force: true });
  const har = resolve(capturesDir, 'demo.har');
  if (!existsSync(har)) {
    process.stderr.write(`overhear: the demo capture is missing (${har}); regenerate it with \`npm run captures\`\n`);
    return 1;
  }
  process.stdout.write(`overhear demo: a fresh catalog at ${db}\n\n`);
  // The shop's published spec is its documented inventory; the demo settings say which domains are the shop's own.
  const config = loadConfig(resolve(capturesDir, 'demo-api/overhear.config.json'));
  await specImportCommand(resolve(capturesDir, 'demo-api/openapi.yaml'), { db, config });
  const code = await ingestCommand([har], { db, config });
  if (code !== 0) return code;
  process.stdout.write('\n');
  endpointsCommand({ db });
  process.stdout.write('\n');
  findingsCommand({ db });
  process.stdout.write(`\nExplore it:\n  npx overhear endpoints --db ${db} --json\n  npx overhear export openapi --db ${db}\n  npx overhear serve --db ${db}\n`);
  const serve = opts.serve ?? process.stdout.isTTY === true;
  if (!serve) return 0;
  process.stdout.write('\n');
  try {
    return await serveCommand({ db, port: opts.port ?? 7878, config });
  } catch (e) {
    // The default port is taken (another overhear?): take any free one rather than fail the demo.
    if (opts.port === undefined && e instanceof Error && /is in use/.test(e.message)) return serveCommand({ db, port: 0, config });
    throw e;
  }
}
