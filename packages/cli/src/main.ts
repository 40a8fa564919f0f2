import { Command, CommanderError, Option } from 'commander';
import { InputError, UsageError } from '@overhear/model';
import { CatalogError } from '@overhear/catalog';
import type { OverhearConfig } from '@overhear/pipeline';
import { catalogPath } from './options.js';

// Each command's module (and the packages it needs) is loaded when the command runs: loading all
// of them on every run made `overhear endpoints` take 0.24 s instead of 0.15 s (hand-timed, medians of 10).

/** The settings file. */
async function loadConfig(file: string | undefined): Promise<OverhearConfig> {
  return (await import('@overhear/pipeline')).loadConfig(file);
}

/** The settings file, with `--analyse-all` turning sampling off. */
async function settings(o: { config?: string; analyseAll?: boolean }): Promise<OverhearConfig> {
  const cfg = await loadConfig(o.config);
  return o.analyseAll ? { ...cfg, sampling: false } : cfg;
}

/**
 * The `overhear` command. Exit codes (the contract): 0 ok; 1 bad input or
 * usage, with a message naming the file and what is wrong; 2 internal error.
 */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const dbOption = (): Option => new Option('--db <file>', 'catalog file (default ./overhear.db, or $OVERHEAR_DB)');
  const program = new Command('overhear')
    .description('Passive API inventory: which APIs exist, who calls them, what data they carry, which are risky.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run `overhear --help` for usage)');

  program
    .command('ingest')
    .description('read HAR, pcap or pcapng files into the catalog (format told by content; "-" reads stdin)')
    .argument('<paths...>', 'files to read')
    .addOption(dbOption())
    .option('--json', 'print the summary as JSON')
    .option('-q, --quiet', 'print nothing on success')
    .option('--config <file>', 'settings file (default ./overhear.config.json)')
    .option('--analyse-all', 'analyse every exchange in full (default: per endpoint, the first 128, new shapes, then 1 in 256; all are counted)')
    .option('--ndjson', 'read an NDJSON exchange stream (`overhear monitor --emit ndjson`) as a live source, written every --flush-interval')
    .option('--flush-interval <seconds>', 'with --ndjson: seconds between catalog writes (default 2)')
    .action(async (paths: string[], o: { db?: string; json?: boolean; quiet?: boolean; config?: string; ndjson?: boolean; flushInterval?: string; analyseAll?: boolean }) => {
      if (o.ndjson) {
        const { ingestNdjsonCommand } = await import('./commands/monitor.js');
        code = await ingestNdjsonCommand(paths, { db: catalogPath(o.db), json: o.json ?? false, quiet: o.quiet ?? false, config: await settings(o), ...(o.flushInterval ? { flushInterval: o.flushInterval } : {}) });
        return;
      }
      const { ingestCommand } = await import('./commands/ingest.js');
      code = await ingestCommand(paths, { db: catalogPath(o.db), json: o.json ?? false, quiet: o.quiet ?? false, config: await settings(o) });
    });

  program
    .command('monitor')
    .description('continuous capture from a (mirrored) interface with tcpdump, or from a directory of rotated captures, until SIGINT/SIGTERM')
    .option('--interface <if>', 'interface to capture on (`any` for all)')
    .option('--pcap-dir <dir>', 'follow a directory that another tool writes rotated captures into')
    .option('--filter <bpf>', 'BPF filter, as for tcpdump (e.g. "tcp port 80")')
    .addOption(dbOption())
    .option('--flush-interval <seconds>', 'seconds between catalog writes and status lines (default 2)')
    .option('--reevaluate-interval <seconds>', 'seconds between re-evaluations of states and findings (default 10)')
    .option('--buffer-size <KiB>', 'kernel capture buffer for tcpdump -B, KiB (default 32768)')
    .option('--immediate-mode', 'tcpdump --immediate-mode: packets at once instead of in blocks (≤ 1 s); costs a wake-up per packet')
    .option('--max-queue-mb <MiB>', 'captured bytes waiting to be parsed before packets are dropped, reserved at start (default 64)')
    .option('--file-idle <seconds>', 'with --pcap-dir: a file unchanged this long is complete even without a newer one (default 30)')
    .option('--emit <format>', '"ndjson": write the exchanges to stdout instead of a catalog')
    .option('--name <name>', 'sensor name in the catalog (default the interface or directory)')
    .option('-q, --quiet', 'no status lines')
    .option('--config <file>', 'settings file (default ./overhear.config.json)')
    .option('--analyse-all', 'analyse every exchange in full (default: per endpoint, the first 128, new shapes, then 1 in 256; all are counted)')
    .action(async (o: { db?: string; interface?: string; pcapDir?: string; filter?: string; flushInterval?: string; reevaluateInterval?: string; bufferSize?: string; immediateMode?: boolean; maxQueueMb?: string; fileIdle?: string; emit?: string; name?: string; quiet?: boolean; config?: string; analyseAll?: boolean }) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      code = await monitorCommand({ ...o, db: catalogPath(o.db), config: await settings(o) });
    });

  program
    .command('endpoints')
    .description('list the inventory')
    .addOption(dbOption())
    .option('--json', 'print JSON (the documented contract)')
    .option('--host <host>', 'only this host')
    .addOption(new Option('--sort <key>', 'sort order').choices(['path', 'hits', 'risk']).default('path'))
    .action(async (o: { db?: string; json?: boolean; host?: string; sort?: string }) => {
      const { endpointsCommand } = await import('./commands/endpoints.js');
      code = endpointsCommand({ ...o, db: catalogPath(o.db) });
    });

  program
    .command('findings')
    .description('list the risks found')
    .addOption(dbOption())
    .option('--json', 'print JSON (the documented contract)')
    .option('--host <host>', 'only this host')
    .action(async (o: { db?: string; json?: boolean; host?: string }) => {
      const { findingsCommand } = await import('./commands/findings.js');
      code = findingsCommand({ ...o, db: catalogPath(o.db) });
    });

  program
    .command('export')
    .description('export the inventory')
    .command('openapi')
    .description('OpenAPI 3.1 of what was really seen')
    .addOption(dbOption())
    .option('--host <host>', 'only this host')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (o: { db?: string; host?: string; output?: string }) => {
      const { exportOpenApiCommand } = await import('./commands/export-openapi.js');
      code = exportOpenApiCommand({ ...o, db: catalogPath(o.db) });
    });

  program
    .command('demo')
    .description('ingest the shipped demo captures into a fresh catalog, show the inventory, then serve the dashboard (when stdout is a terminal, or with --serve)')
    .option('--db <file>', 'catalog file for the demo', 'overhear-demo.db')
    .option('--serve', 'serve the dashboard afterwards even when stdout is not a terminal')
    .option('--no-serve', 'do not serve the dashboard (print and exit)')
    .option('--port <port>', 'dashboard port (default 7878; a free one when that is taken)')
    .action(async (o: { db?: string; serve?: boolean; port?: string }) => {
      const { demoCommand } = await import('./commands/demo.js');
      code = await demoCommand(o);
    });

  program
    .command('serve')
    .description('the JSON API and the dashboard over the catalog (binds 127.0.0.1 unless --bind; other addresses need an access token)')
    .addOption(dbOption())
    .option('--port <port>', 'port (0 picks a free one)', '7878')
    .option('--bind <addr>', 'address to listen on', '127.0.0.1')
    .option('--token <token>', 'access token for non-loopback binds (default: $OVERHEAR_TOKEN, or generated and printed)')
    .option('--max-upload-mb <mb>', 'upload size limit in MiB (default 2048)')
    .option('--config <file>', 'settings file for uploads (default ./overhear.config.json)')
    .action(async (o: { db?: string; port?: string; bind?: string; token?: string; maxUploadMb?: string; config?: string }) => {
      const { serveCommand } = await import('./commands/serve.js');
      code = await serveCommand({ ...o, db: catalogPath(o.db), config: await loadConfig(o.config) });
    });

  const spec = program.command('spec').description('declared OpenAPI specs: the documented inventory');
  spec
    .command('import')
    .description('record a declared OpenAPI 2.0/3.0/3.1 document (JSON or YAML); a newer version of the same spec replaces the older')
    .argument('<file>')
    .addOption(dbOption())
    .option('--host <host...>', 'host(s) the spec documents (default: from its servers / host)')
    .option('--config <file>', 'settings file (default ./overhear.config.json)')
    .action(async (file: string, o: { db?: string; host?: string[]; config?: string }) => {
      const { specImportCommand } = await import('./commands/spec.js');
      code = await specImportCommand(file, { db: catalogPath(o.db), ...(o.host ? { host: o.host } : {}), config: await loadConfig(o.config) });
    });
  spec
    .command('list')
    .description('the imported specs')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action(async (o: { db?: string; json?: boolean }) => {
      const { specListCommand } = await import('./commands/spec.js');
      code = specListCommand({ db: catalogPath(o.db), json: o.json ?? false });
    });
  spec
    .command('remove')
    .description('forget an imported spec (states are re-evaluated)')
    .argument('<id>')
    .addOption(dbOption())
    .option('--config <file>', 'settings file (default ./overhear.config.json)')
    .action(async (id: string, o: { db?: string; config?: string }) => {
      const { specRemoveCommand } = await import('./commands/spec.js');
      code = specRemoveCommand(id, { db: catalogPath(o.db), config: await loadConfig(o.config) });
    });
  spec
    .command('diff')
    .description('what the spec would need to say to match the traffic: shadow, zombie and orphan operations, and drift')
    .addOption(dbOption())
    .option('--host <host>', 'only this host')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .action(async (o: { db?: string; host?: string; format?: string }) => {
      const { specDiffCommand } = await import('./commands/spec.js');
      code = specDiffCommand({ ...o, db: catalogPath(o.db) });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // Help and version are not errors; commander already printed the message.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 1;
  }
  if (e instanceof InputError || e instanceof UsageError || e instanceof CatalogError) {
    process.stderr.write(`overhear: ${e.message}\n`);
    return 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0; // output piped into `head`
  process.stderr.write(`overhear: internal error: ${err.message}\n`);
  if (process.env.OVERHEAR_DEBUG) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(set OVERHEAR_DEBUG=1 for details, and please report it)\n');
  return 2;
}
