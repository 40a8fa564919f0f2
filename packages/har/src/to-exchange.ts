import type { Body, Exchange, Header } from '@overhear/model';

/** The parts of a HAR 1.1/1.2 entry we read; everything is optional because exporters differ. */
interface HarNameValue {
  name?: unknown;
  value?: unknown;
}
interface HarEntry {
  startedDateTime?: unknown;
  time?: unknown;
  serverIPAddress?: unknown;
  _resourceType?: unknown;
  _webSocketMessages?: unknown;
  request?: {
    method?: unknown;
    url?: unknown;
    httpVersion?: unknown;
    headers?: HarNameValue[];
    postData?: { mimeType?: unknown; text?: unknown; encoding?: unknown; params?: HarNameValue[] };
  };
  response?: {
    status?: unknown;
    statusText?: unknown;
    httpVersion?: unknown;
    headers?: HarNameValue[];
    content?: { size?: unknown; mimeType?: unknown; text?: unknown; encoding?: unknown };
  };
}

export interface BodyCaps {
  /** Decoded body bytes kept per message; the rest is counted, not kept. */
  maxBodyBytes: number;
}

/** Why an entry gave no exchange; the reader counts these. */
export type SkipReason = 'not-an-object' | 'no-request' | 'bad-url' | 'websocket' | `scheme-${string}`;

export type Converted = { exchange: Exchange } | { skip: SkipReason };

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

export function entryToExchange(raw: unknown, caps: BodyCaps): Converted {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { skip: 'not-an-object' };
  const entry = raw as HarEntry;
  const req = entry.request;
  if (!req || typeof req !== 'object' || typeof req.url !== 'string') return { skip: 'no-request' };

  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { skip: 'bad-url' };
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:' || entry._resourceType === 'websocket' || Array.isArray(entry._webSocketMessages)) {
    return { skip: 'websocket' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { skip: `scheme-${url.protocol.replace(/:$/, '').slice(0, 24)}` };

  const reqHeaders = headerList(req.headers);
  const exchange: Exchange = {
    source: 'har',
    startedAt: parseTime(entry.startedDateTime),
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    request: {
      method: typeof req.method === 'string' && req.method ? req.method.toUpperCase() : 'GET',
      host: url.host, // lower-cased, IDN as punycode, default port dropped
      path: url.pathname || '/',
      query: [...url.searchParams],
      httpVersion: normaliseVersion(req.httpVersion),
      headers: reqHeaders,
    },
  };
  if (typeof entry.time === 'number' && Number.isFinite(entry.time) && entry.time >= 0) exchange.durationMs = entry.time;
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol]!;
  if (typeof entry.serverIPAddress === 'string' && entry.serverIPAddress) {
    exchange.server = { ip: entry.serverIPAddress.replace(/^\[|\]$/g, ''), port };
  }
  const reqBody = requestBody(req.postData, caps);
  if (reqBody) exchange.request.body = reqBody;

  const res = entry.response;
  // Status 0 is how browsers record a request that got no response (blocked, failed, cancelled).
  if (res && typeof res === 'object' && typeof res.status === 'number' && res.status > 0) {
    exchange.response = {
      status: Math.trunc(res.status),
      statusText: typeof res.statusText === 'string' ? res.statusText : '',
      httpVersion: normaliseVersion(res.httpVersion),
      headers: headerList(res.headers),
    };
    const body = responseBody(res.content, caps);
    if (body) exchange.response.body = body;
  }
  return { exchange };
}

function headerList(list: HarNameValue[] | undefined): Header[] {
  if (!Array.isArray(list)) return [];
  const out: Header[] = [];
  for (const h of list) {
    if (!h || typeof h.name !== 'string') continue;
    // HTTP/2 and HTTP/3 pseudo-headers (:authority, :path…) repeat what the URL says.
    if (h.name.startsWith(':')) continue;
    out.push([h.name.toLowerCase(), typeof h.value === 'string' ? h.value : String(h.value ?? '')]);
  }
  return out;
}

function parseTime(v: unknown): number {
  if (typeof v !== 'string') return 0;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : 0;
}

/** "h2", "http/2.0", "HTTP/2" → "HTTP/2"; "1.1" → "HTTP/1.1". */
function normaliseVersion(v: unknown): string {
  if (typeof v !== 'string' || !v) return 'HTTP/1.1';
  const s = v.trim().toUpperCase();
  if (s === 'H2' || s === 'HTTP/2.0' || s === 'HTTP/2') return 'HTTP/2';
  if (s === 'H3' || s === 'HTTP/3.0' || s === 'HTTP/3') return 'HTTP/3';
  if (/^\d(\.\d)?$/.test(s)) return `HTTP/${s}`;
  return s;
}

function requestBody(post: NonNullable<HarEntry['request']>['postData'], caps: BodyCaps): Body | undefined {
  if (!post || typeof post !== 'object') return undefined;
  if (typeof post.text === 'string' && post.text.length > 0) return decodeText(post.text, post.encoding, caps);
  // Some exporters give only form params for url-encoded posts.
  if (Array.isArray(post.params) && post.params.length > 0) {
    const form = new URLSearchParams();
    for (const p of post.params) if (p && typeof p.name === 'string') form.append(p.name, typeof p.value === 'string' ? p.value : '');
    return decodeText(form.toString(), undefined, caps);
  }
  return undefined;
}

function responseBody(content: NonNullable<HarEntry['response']>['content'], caps: BodyCaps): Body | undefined {
  if (!content || typeof content !== 'object' || typeof content.text !== 'string' || content.text.length === 0) return undefined;
  // content.size is not trusted: exporters disagree on it (Optic writes the base64 length).
  // An exporter that cut the text leaves invalid JSON, which analysis treats as unparsed.
  return decodeText(content.text, content.encoding, caps);
}

function decodeText(text: string, encoding: unknown, caps: BodyCaps): Body {
  const base64 = typeof encoding === 'string' && encoding.toLowerCase() === 'base64';
  let bytes: Buffer;
  if (base64) {
    // Decode at most what the cap keeps (4 base64 chars → 3 bytes).
    const keepChars = Math.ceil((caps.maxBodyBytes + 3) / 3) * 4;
    bytes = Buffer.from(text.length > keepChars ? text.slice(0, keepChars) : text, 'base64');
    const length = Math.floor((text.replace(/=+$/, '').length * 3) / 4);
    return cap(bytes, Math.max(length, bytes.length), caps);
  }
  bytes = Buffer.from(text.length > caps.maxBodyBytes ? text.slice(0, caps.maxBodyBytes) : text, 'utf8');
  const length = text.length > caps.maxBodyBytes ? Buffer.byteLength(text, 'utf8') : bytes.length;
  return cap(bytes, length, caps);
}

function cap(bytes: Buffer, length: number, caps: BodyCaps): Body {
  const kept = bytes.length > caps.maxBodyBytes ? bytes.subarray(0, caps.maxBodyBytes) : bytes;
  return { bytes: kept, length, truncated: length > kept.length };
}
