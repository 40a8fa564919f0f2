/** Helpers for the `overhear monitor` tests: the real CLI as a child process, real tcpdump on loopback. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { cliBin, repoRoot, runCli } from '@overhear/testkit';
import type { EndpointRecord } from '@overhear/model';
import { Catalog, listEndpoints } from '@overhear/catalog';
import { existsSync } from 'node:fs';

export interface Monitor {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves when stderr matches (after `from` characters), rejects after `ms`. */
  waitFor(re: RegExp, ms?: number, from?: number): Promise<RegExpMatchArray>;
  /** SIGTERM (or `sig`), then the exit code. */
  stop(sig?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startMonitor(args: string[], opts: { env?: NodeJS.ProcessEnv; stdout?: 'pipe' | number } = {}): Monitor {
  const child = spawn(process.execPath, [cliBin, 'monitor', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of waiters) w();
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor(re, ms = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = err.slice(from).match(re);
          if (m) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(m);
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${re} in monitor stderr:\n${err}`));
        }, ms);
        waiters.add(check);
        void exited.then(() => setTimeout(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`monitor exited before ${re}:\n${err}`));
          }
        }, 50));
        check();
      });
    },
    async stop(sig = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      return exited;
    },
  };
}

/** Kills the monitor (and so its tcpdump) if a test failed before stopping it. */
export async function killMonitor(m: Monitor | undefined): Promise<void> {
  if (!m || m.child.exitCode !== null || m.child.signalCode !== null) return;
  m.child.kill('SIGKILL');
  await m.exited;
}

export function endpoints(db: string): EndpointRecord[] {
  const r = runCli(['endpoints', '--json', '--db', db]);
  if (r.status !== 0) return [];
  return JSON.parse(r.stdout) as EndpointRecord[];
}

/** The inventory read in this process (a reader beside the writer; cheaper than spawning the CLI). */
export function readEndpoints(db: string): EndpointRecord[] {
  if (!existsSync(db)) return [];
  let c: Catalog | undefined;
  try {
    c = new Catalog(db, { readonly: true });
    return listEndpoints(c.db);
  } catch {
    return [];
  } finally {
    c?.close();
  }
}

export const totalHits = (eps: EndpointRecord[]): number => eps.reduce((a, e) => a + e.hits, 0);

/** Polls `endpoints --json` until `ok` holds or `ms` pass; returns the last answer. */
export async function waitForEndpoints(db: string, ok: (eps: EndpointRecord[]) => boolean, ms = 10_000, read: (db: string) => EndpointRecord[] = endpoints): Promise<EndpointRecord[]> {
  const end = Date.now() + ms;
  for (;;) {
    const eps = read(db);
    if (ok(eps) || Date.now() > end) return eps;
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const ROUTES = ['/api/v2/health', '/api/v2/products', '/api/v2/products/3'];

/** `n` GETs over ROUTES with Host shop.example.com, on keep-alive connections. */
export async function drive(port: number, n: number, routes = ROUTES): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: routes[i % routes.length], agent, headers: { host: 'shop.example.com' } }, (res) => {
                res.resume();
                res.on('end', () => resolve());
              })
              .on('error', reject);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
}

export function tcpdumpPresent(): boolean {
  return spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
