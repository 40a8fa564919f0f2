import { UsageError } from '@overhear/model';
import type { OverhearConfig } from '@overhear/pipeline';
import { startServer, DEFAULT_PORT, type RunningServer } from '@overhear/server';

export interface ServeOptions {
  db: string;
  port?: string | number;
  bind?: string;
  token?: string;
  maxUploadMb?: string | number;
  /** Settings for uploads (rules, custom types, first-party domains), as `ingest --config`. */
  config?: OverhearConfig;
  /** Print this before the URL (the demo says what it is serving). */
  banner?: string;
  /** Resolves when the server is up (tests, the demo). */
  onListening?: (s: RunningServer) => void;
}

function parsePort(v: string | number | undefined): number {
  if (v === undefined) return DEFAULT_PORT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got ${String(v)})`);
  return n;
}

/**
 * `overhear serve`: the JSON API and the dashboard over one catalog, until
 * SIGINT/SIGTERM. Binds 127.0.0.1 unless told otherwise; any other address
 * needs an access token (--token, $OVERHEAR_TOKEN, or one generated and printed).
 */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  const port = parsePort(opts.port);
  const token = opts.token ?? (process.env.OVERHEAR_TOKEN || undefined);
  if (token !== undefined && token.length < 16) throw new UsageError('the access token must be at least 16 characters');
  const maxMb = opts.maxUploadMb === undefined ? undefined : Number(opts.maxUploadMb);
  if (maxMb !== undefined && !(maxMb > 0)) throw new UsageError('--max-upload-mb must be a positive number');
  let server: RunningServer;
  try {
    server = await startServer({
      db: opts.db,
      port,
      ...(opts.bind ? { bind: opts.bind } : {}),
      ...(token ? { token } : {}),
      ...(maxMb ? { maxUploadBytes: Math.floor(maxMb * 1024 * 1024) } : {}),
      ...(opts.config ? { config: opts.config } : {}),
      ...(process.env.OVERHEAR_DEBUG ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: choose another with --port (0 picks a free one)`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`cannot bind ${opts.bind}: no such local address`);
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}`);
    throw e;
  }
  if (opts.banner) process.stdout.write(opts.banner);
  process.stdout.write(`overhear dashboard: ${server.openUrl}\n`);
  process.stdout.write(`  catalog ${opts.db}; API described at ${server.url}api/openapi.json\n`);
  if (server.token) {
    process.stdout.write(`  bound to ${server.bind}: the API requires the access token ${server.token}\n  (Authorization: Bearer TOKEN; the URL above carries it for the browser)\n`);
  }
  process.stdout.write('  press Ctrl-C to stop\n');
  opts.onListening?.(server);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
