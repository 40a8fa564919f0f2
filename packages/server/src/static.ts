import { createReadStream, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Resolves a URL path to a file inside `root`, or undefined. Refuses
 * anything that could leave the folder: encoded or plain `..`, backslashes,
 * NUL bytes, absolute paths; and dot-files.
 */
export function safeResolve(root: string, urlPath: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (p.includes('\0') || p.includes('\\')) return undefined;
  const parts = p.split('/').filter((s) => s !== '');
  if (parts.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return undefined;
  const base = resolve(root);
  const full = resolve(join(base, ...parts));
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return full;
}

/** Serves the built dashboard (GET/HEAD). Returns false when nothing matched (the caller sends 404). */
export function serveStatic(req: IncomingMessage, res: ServerResponse, root: string | undefined, pathname: string): boolean {
  if (!root) {
    if (pathname !== '/') return false;
    const text = 'overhear: the dashboard is not built. Run `npm run build` (it builds web/dist), then restart `overhear serve`. The JSON API is at /api/ (described at /api/openapi.json).\n';
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  }
  const target = safeResolve(root, pathname === '/' ? '/index.html' : pathname);
  if (!target) return false;
  let st;
  try {
    st = statSync(target);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  const type = TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream';
  const immutable = pathname.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': st.size,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(target).pipe(res);
  return true;
}
