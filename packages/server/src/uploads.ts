import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { InputError } from '@overhear/model';
import { renameSource, type Catalog } from '@overhear/catalog';
import { ingestPath, type IngestSummary, type OverhearConfig } from '@overhear/pipeline';
import { HttpError } from './http-util.js';

/** What to do with an uploaded OpenAPI document (by default: `catalogSpecImport`, as `overhear spec import`). Without one, spec uploads get 501. */
export type SpecImportHook = (file: string, name: string, opts: { hosts?: string[] }) => Promise<{ stored: boolean; message: string; [k: string]: unknown }>;

export interface UploadOptions {
  /** Folder for the temporary copies (default: the OS temp folder). */
  tmpDir: string;
  maxBytes: number;
  specImport?: SpecImportHook | undefined;
  /** Hosts a spec documents when it names none (the upload's host=… parameter). */
  specHosts?: string[] | undefined;
  /** Passed to ingest (rules, custom types, first-party domains), as the CLI's --config. */
  config?: OverhearConfig | undefined;
  onProgress: (p: UploadProgress) => void;
}

export interface UploadProgress {
  id: string;
  name: string;
  phase: 'receiving' | 'ingesting' | 'done' | 'error';
  bytes: number;
  size?: number | undefined;
  message?: string;
}

export type UploadResult =
  | { kind: 'capture'; id: string; name: string; bytes: number; summary: IngestSummary }
  | { kind: 'spec'; id: string; name: string; bytes: number; result: Awaited<ReturnType<SpecImportHook>> };

/** A display name for the uploaded file: its base name, printable characters only, bounded. */
export function cleanName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 120);
  return clean || 'upload';
}

/** An OpenAPI or Swagger document (JSON or YAML), told by its top-level version key. HAR files never have one unescaped. */
export function looksLikeOpenApi(head: string): boolean {
  if (/^\s*(openapi|swagger)\s*:/m.test(head) && !/^\s*\{/.test(head)) return true;
  if (!/^\s*\{/.test(head)) return false;
  if (/^\s*\{\s*"log"\s*:/.test(head)) return false;
  return /(?<!\\)"(openapi|swagger)"\s*:\s*"\d/.test(head);
}

let queue: Promise<unknown> = Promise.resolve();
/** One ingest at a time per process: the catalog writes each file as one transaction anyway. */
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Streams the request body to a temporary file (refusing past `maxBytes`),
 * then hands it to the same `ingestPath` the CLI uses. The temporary copy is
 * always removed. A bad file raises an HttpError (422) and writes nothing.
 */
export async function receiveUpload(req: IncomingMessage, catalog: Catalog | undefined, rawName: string | undefined, requestedId: string | undefined, opts: UploadOptions): Promise<UploadResult> {
  const name = cleanName(rawName);
  const id = requestedId && /^[A-Za-z0-9_-]{1,64}$/.test(requestedId) ? requestedId : randomUUID();
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > opts.maxBytes) {
    req.resume();
    throw new HttpError(413, `${name}: too large (${declared} bytes; the limit is ${opts.maxBytes} bytes)`);
  }
  const dir = mkdtempSync(join(opts.tmpDir, 'overhear-upload-'));
  const file = join(dir, name.replace(/^\.+/, '_'));
  const progress = (p: Omit<UploadProgress, 'id' | 'name'>): void => opts.onProgress({ id, name, ...p });
  try {
    const sha = createHash('sha256');
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file, { mode: 0o600 });
      let last = 0;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        req.unpipe(out);
        out.destroy();
        req.resume();
        reject(e);
      };
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > opts.maxBytes) {
          fail(new HttpError(413, `${name}: too large (more than the limit of ${opts.maxBytes} bytes)`));
          return;
        }
        sha.update(chunk);
        const now = Date.now();
        if (now - last > 200) {
          last = now;
          progress({ phase: 'receiving', bytes, size: declared });
        }
      });
      req.on('aborted', () => fail(new HttpError(400, `${name}: the upload was interrupted`)));
      req.on('error', (e) => fail(e));
      out.on('error', (e) => fail(new HttpError(500, `cannot store the upload (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
      out.on('finish', () => {
        if (!failed) resolve();
      });
      req.pipe(out);
    });
    if (bytes === 0) throw new HttpError(422, `${name}: empty file`);

    const head = readHead(file, 64 * 1024);
    if (looksLikeOpenApi(head)) {
      if (!opts.specImport) {
        throw new HttpError(501, `${name}: looks like an OpenAPI document; this server does not import specs (use \`overhear spec import FILE\`)`, { kind: 'spec' });
      }
      const result = await serial(() => opts.specImport!(file, name, opts.specHosts?.length ? { hosts: opts.specHosts } : {}));
      progress({ phase: 'done', bytes, size: bytes });
      return { kind: 'spec', id, name, bytes, result };
    }
    if (!catalog) throw new HttpError(503, 'this server cannot write the catalog (opened read-only)');
    const digest = sha.digest('hex');
    const summary = await serial(async () => {
      progress({ phase: 'ingesting', bytes: 0, size: bytes });
      let last = 0;
      try {
        const s = await ingestPath(file, catalog, {
          ...(opts.config ? { config: opts.config } : {}),
          onBytes: (n, size) => {
            const now = Date.now();
            if (now - last > 200) {
              last = now;
              progress({ phase: 'ingesting', bytes: n, size });
            }
          },
        });
        if (!s.alreadyIngested) renameSource(catalog.db, digest, `upload:${name}`);
        return s;
      } catch (e) {
        if (e instanceof InputError) {
          // Name the file as the user knows it, not by its temporary path.
          throw new HttpError(422, e.message.split(file).join(name), { offset: e.offset ?? null, nothingWritten: true });
        }
        throw e;
      }
    });
    summary.file = name;
    progress({ phase: 'done', bytes, size: bytes });
    return { kind: 'capture', id, name, bytes, summary };
  } catch (e) {
    progress({ phase: 'error', bytes: 0, message: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readHead(file: string, n: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
