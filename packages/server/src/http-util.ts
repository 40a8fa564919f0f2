import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the client caused or should see: status + a message safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The Content-Security-Policy of every response: scripts and styles only
 * from this origin (no inline code, no eval), nothing may frame the page.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message, status, ...extra });
}

/** Query-string helpers that turn bad values into 400s with a message naming the parameter. */
export class Query {
  constructor(readonly params: URLSearchParams) {}

  str(name: string, max = 500): string | undefined {
    const v = this.params.get(name);
    if (v === null || v === '') return undefined;
    if (v.length > max) throw new HttpError(400, `query parameter "${name}" is too long (max ${max} characters)`);
    return v;
  }

  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.str(name, 32);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw new HttpError(400, `query parameter "${name}" must be an integer`);
    const n = Number(v);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      throw new HttpError(400, `query parameter "${name}" must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.str(name, 64);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw new HttpError(400, `query parameter "${name}" must be one of: ${allowed.join(', ')}`);
    return v as T;
  }

  /** An ISO date or ms since the epoch. */
  time(name: string): number | undefined {
    const v = this.str(name, 64);
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(n)) throw new HttpError(400, `query parameter "${name}" must be an ISO date or milliseconds since the epoch`);
    return n;
  }
}

export function isLoopback(addr: string): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(addr) || addr === '::ffff:127.0.0.1';
}

export function parseCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k) out[k] = part.slice(i + 1).trim();
  }
  return out;
}
