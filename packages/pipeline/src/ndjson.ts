import { StringDecoder } from 'node:string_decoder';
import { emptyStats, countSkip, InputError, type Body, type Exchange, type ExchangeSource, type Header, isFramingAnomaly, isHostAnomaly, type SourceStats } from '@overhear/model';

/**
 * The exchange stream as NDJSON (documented in packages/capture/README.md):
 * one JSON object per line, each carrying `"overhear": 1` (the format version)
 * as its first member. `kind` is `"exchange"` (the default) or `"sensor"` (a
 * capture's health counters); readers skip kinds they do not know. Bodies are
 * base64. The stream lets a sensor and a catalog run on different machines.
 */
export const NDJSON_VERSION = 1;

export interface NdjsonSensorRecord {
  overhear: number;
  kind: 'sensor';
  name: string;
  at: number;
  stats: Record<string, unknown>;
}

const b64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');

function bodyOut(b: Body | undefined): unknown {
  return b ? { base64: b64(b.bytes), length: b.length, truncated: b.truncated } : undefined;
}

/** One exchange as one line (without the newline). */
export function exchangeToNdjson(ex: Exchange): string {
  return JSON.stringify({
    overhear: NDJSON_VERSION,
    kind: 'exchange',
    source: ex.source,
    startedAt: ex.startedAt,
    durationMs: ex.durationMs,
    scheme: ex.scheme,
    client: ex.client,
    server: ex.server,
    request: {
      method: ex.request.method,
      host: ex.request.host,
      path: ex.request.path,
      query: ex.request.query,
      httpVersion: ex.request.httpVersion,
      headers: ex.request.headers,
      body: bodyOut(ex.request.body),
      framing: ex.request.framing,
      hostAnomaly: ex.request.hostAnomaly,
    },
    response: ex.response
      ? {
          status: ex.response.status,
          statusText: ex.response.statusText,
          httpVersion: ex.response.httpVersion,
          headers: ex.response.headers,
          body: bodyOut(ex.response.body),
        }
      : undefined,
    flags: ex.flags?.length ? ex.flags : undefined,
  });
}

export function sensorToNdjson(name: string, stats: Record<string, unknown>, at = Date.now()): string {
  const r: NdjsonSensorRecord = { overhear: NDJSON_VERSION, kind: 'sensor', name, at, stats };
  return JSON.stringify(r);
}

/** The first bytes of an NDJSON exchange stream: `{"overhear":` (after a BOM or white space). */
export function looksLikeNdjson(head: Uint8Array): boolean {
  const s = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1').replace(/^\xef\xbb\xbf/, '');
  return /^\s*\{\s*"overhear"\s*:\s*\d/.test(s);
}

export interface ReadNdjsonOptions {
  file: string;
  /** Lines longer than this are an error (default 256 MiB). */
  maxLineBytes?: number;
  /** Sensor records met in the stream. */
  onSensor?: (r: NdjsonSensorRecord) => void;
}

/**
 * Reads an NDJSON exchange stream. A line that is not valid JSON, not a
 * record of this format, or not a well-formed exchange is an InputError naming
 * the line: before it, the exchanges read were yielded.
 */
export function readNdjson(input: AsyncIterable<Uint8Array>, opts: ReadNdjsonOptions): ExchangeSource {
  const stats = emptyStats();
  return { stats, [Symbol.asyncIterator]: () => run(input, opts, stats) };
}

async function* run(input: AsyncIterable<Uint8Array>, opts: ReadNdjsonOptions, stats: SourceStats): AsyncGenerator<Exchange> {
  const max = opts.maxLineBytes ?? 256 * 1024 * 1024;
  const dec = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  stats.counters.lines = 0;
  stats.counters.sensorRecords = 0;
  const one = (line: string): Exchange | undefined => {
    lineNo++;
    stats.counters.lines = lineNo;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line.trim()) return undefined;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(opts.file, `line ${lineNo}: not valid JSON (${(e as Error).message})`);
    }
    if (!isObj(v) || typeof v.overhear !== 'number') throw new InputError(opts.file, `line ${lineNo}: not an overhear NDJSON record (no "overhear" version field)`);
    if (v.overhear > NDJSON_VERSION) throw new InputError(opts.file, `line ${lineNo}: format version ${v.overhear} is newer than this overhear reads (${NDJSON_VERSION})`);
    const kind = v.kind ?? 'exchange';
    if (kind === 'sensor') {
      stats.counters.sensorRecords!++;
      if (typeof v.name === 'string' && isObj(v.stats)) opts.onSensor?.({ overhear: v.overhear, kind: 'sensor', name: v.name, at: typeof v.at === 'number' ? v.at : Date.now(), stats: v.stats });
      return undefined;
    }
    if (kind !== 'exchange') {
      countSkip(stats, `ndjson-kind-${String(kind).slice(0, 40)}`);
      return undefined;
    }
    const ex = toExchange(v, (what) => new InputError(opts.file, `line ${lineNo}: ${what}`));
    stats.exchanges++;
    return ex;
  };
  for await (const chunk of input) {
    stats.bytes += chunk.length;
    carry += dec.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let start = 0;
    let nl: number;
    while ((nl = carry.indexOf('\n', start)) >= 0) {
      const ex = one(carry.slice(start, nl));
      start = nl + 1;
      if (ex) yield ex;
    }
    carry = carry.slice(start);
    if (carry.length > max) throw new InputError(opts.file, `line ${lineNo + 1}: longer than ${max} bytes`);
  }
  carry += dec.end();
  if (carry.length) {
    const ex = one(carry);
    if (ex) yield ex;
  }
  if (lineNo === 0) throw new InputError(opts.file, 'empty input');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SOURCES = new Set(['har', 'pcap', 'pcapng', 'live', 'ndjson']);
const FLAGS = new Set(['request-interrupted', 'response-interrupted', 'body-gap', 'decode-capped', 'decode-failed', 'upgrade', 'connect']);

function toExchange(v: Record<string, unknown>, bad: (what: string) => InputError): Exchange {
  const str = (o: Record<string, unknown>, k: string, where: string): string => {
    const x = o[k];
    if (typeof x !== 'string') throw bad(`${where}.${k} must be a string`);
    return x;
  };
  const num = (o: Record<string, unknown>, k: string, where: string): number => {
    const x = o[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw bad(`${where}.${k} must be a number`);
    return x;
  };
  const pairs = (o: Record<string, unknown>, k: string, where: string): Array<[string, string]> => {
    const x = o[k] ?? [];
    if (!Array.isArray(x) || !x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')) throw bad(`${where}.${k} must be a list of [name, value] string pairs`);
    return x as Array<[string, string]>;
  };
  const body = (o: Record<string, unknown>, where: string): Body | undefined => {
    const b = o.body;
    if (b === undefined || b === null) return undefined;
    if (!isObj(b) || typeof b.base64 !== 'string') throw bad(`${where}.body must be {"base64", "length", "truncated"}`);
    const bytes = Buffer.from(b.base64, 'base64');
    return { bytes, length: typeof b.length === 'number' ? b.length : bytes.length, truncated: b.truncated === true };
  };
  const addr = (x: unknown, where: string): { ip: string; port: number } | undefined => {
    if (x === undefined || x === null) return undefined;
    if (!isObj(x) || typeof x.ip !== 'string' || typeof x.port !== 'number') throw bad(`${where} must be {"ip", "port"}`);
    return { ip: x.ip, port: x.port };
  };
  const source = v.source ?? 'ndjson';
  if (typeof source !== 'string' || !SOURCES.has(source)) throw bad(`source must be one of ${[...SOURCES].join(', ')}`);
  const scheme = v.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') throw bad('scheme must be "http" or "https"');
  if (!isObj(v.request)) throw bad('request must be an object');
  const rq = v.request;
  const method = str(rq, 'method', 'request');
  const path = str(rq, 'path', 'request');
  if (!method || !path) throw bad('request.method and request.path must not be empty');
  const ex: Exchange = {
    source: source as Exchange['source'],
    startedAt: num(v, 'startedAt', 'exchange'),
    scheme,
    request: {
      method,
      host: str(rq, 'host', 'request').toLowerCase(),
      path,
      query: pairs(rq, 'query', 'request'),
      httpVersion: typeof rq.httpVersion === 'string' ? rq.httpVersion : '1.1',
      headers: pairs(rq, 'headers', 'request') as Header[],
    },
  };
  const rb = body(rq, 'request');
  if (rb) ex.request.body = rb;
  if (isFramingAnomaly(rq.framing)) ex.request.framing = rq.framing;
  if (isHostAnomaly(rq.hostAnomaly)) ex.request.hostAnomaly = rq.hostAnomaly;
  if (v.durationMs !== undefined && v.durationMs !== null) ex.durationMs = num(v, 'durationMs', 'exchange');
  const client = addr(v.client, 'client');
  if (client) ex.client = client;
  const server = addr(v.server, 'server');
  if (server) ex.server = server;
  if (v.response !== undefined && v.response !== null) {
    if (!isObj(v.response)) throw bad('response must be an object');
    const rs = v.response;
    ex.response = {
      status: num(rs, 'status', 'response'),
      statusText: typeof rs.statusText === 'string' ? rs.statusText : '',
      httpVersion: typeof rs.httpVersion === 'string' ? rs.httpVersion : '1.1',
      headers: pairs(rs, 'headers', 'response') as Header[],
    };
    const b = body(rs, 'response');
    if (b) ex.response.body = b;
  }
  if (v.flags !== undefined) {
    if (!Array.isArray(v.flags) || !v.flags.every((f) => typeof f === 'string')) throw bad('flags must be a list of strings');
    const flags = v.flags.filter((f) => FLAGS.has(f as string)) as Exchange['flags'];
    if (flags?.length) ex.flags = flags;
  }
  return ex;
}
