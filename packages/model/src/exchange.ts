/**
 * One HTTP request and its response, as seen on the wire or in a HAR file.
 * This is the only thing sources hand to analysis: a source knows nothing of
 * what happens next, and analysis knows nothing of where the bytes came from.
 */

/** Header names are lower-cased; order and repeats are kept as seen. */
export type Header = readonly [name: string, value: string];

export interface Body {
  /** The entity after transfer- and content-coding are removed; cut at the source's cap. */
  bytes: Uint8Array;
  /** Decoded length as seen, which exceeds `bytes.length` when `truncated`. */
  length: number;
  /** True when the body was cut at a cap, interrupted by a capture gap, or not fully decodable. */
  truncated: boolean;
  /**
   * Length as sent, before content decoding, when the body was content-coded.
   * Reading it does not decode (a source may decode lazily, on first read of the others).
   */
  readonly encodedLength?: number;
}

export interface Endpoint4 {
  ip: string;
  port: number;
}

/**
 * How a request stated its length in a way HTTP implementations disagree on
 * (RFC 9112 §6): the raw material of request smuggling. Only sources that see
 * the head as sent (captures) can tell.
 */
export type FramingAnomaly =
  /** Both sent; read as chunked (§6.1), while a server that reads Content-Length sees the rest as another request. */
  | 'content-length-and-transfer-encoding'
  /** Content-Length values that differ (§6.3: unrecoverable). */
  | 'conflicting-content-length'
  /** A Content-Length that is not a decimal number (§6.3: unrecoverable). */
  | 'invalid-content-length'
  /** Transfer-Encoding whose final coding is not chunked: the request's length cannot be known (§6.3). */
  | 'transfer-encoding-not-chunked'
  /** Transfer-Encoding in an HTTP/1.0 request, which has no transfer codings (§6.1: faulty framing). */
  | 'transfer-encoding-in-http-1.0'
  /** Content-Length or Transfer-Encoding written in a form servers disagree on: white space before the colon (§5.1), folded (§5.2), or naming identity (removed by RFC 7230). Read as the lenient servers read it. */
  | 'obfuscated-framing-header';

/** Every FramingAnomaly, for readers that take one from outside (NDJSON): the type makes the list complete. */
export const FRAMING_ANOMALIES: Readonly<Record<FramingAnomaly, true>> = {
  'content-length-and-transfer-encoding': true,
  'conflicting-content-length': true,
  'invalid-content-length': true,
  'transfer-encoding-not-chunked': true,
  'transfer-encoding-in-http-1.0': true,
  'obfuscated-framing-header': true,
};

export function isFramingAnomaly(v: unknown): v is FramingAnomaly {
  return typeof v === 'string' && Object.hasOwn(FRAMING_ANOMALIES, v);
}

/**
 * How a request named its host in a way servers and proxies disagree on
 * (RFC 9112 §3.2): one may route it to a host its URL does not name.
 */
export type HostAnomaly =
  /** Two or more Host headers (§3.2: a server must refuse the request). */
  | 'several-host-headers'
  /** An absolute-form target names another host than the Host header (the server goes by the target, §3.2.2; a proxy may go by Host). */
  | 'host-differs-from-target';

export const HOST_ANOMALIES: Readonly<Record<HostAnomaly, true>> = {
  'several-host-headers': true,
  'host-differs-from-target': true,
};

export function isHostAnomaly(v: unknown): v is HostAnomaly {
  return typeof v === 'string' && Object.hasOwn(HOST_ANOMALIES, v);
}

export interface HttpRequest {
  method: string;
  /** Host from the Host header, HTTP/2 :authority or URL; lower-cased, without default port. Server IP when absent. */
  host: string;
  /** Path only, as sent (percent-encoding kept), never with the query string. Always starts with "/" (or is "*"). */
  path: string;
  /** Query parameters in order, percent-decoded. */
  query: ReadonlyArray<readonly [string, string]>;
  httpVersion: string;
  headers: readonly Header[];
  body?: Body;
  /** Set when the request's length was stated ambiguously (see FramingAnomaly). */
  framing?: FramingAnomaly;
  /** Set when the request named its host ambiguously (see HostAnomaly). */
  hostAnomaly?: HostAnomaly;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: readonly Header[];
  body?: Body;
}

export type ExchangeSourceKind = 'har' | 'pcap' | 'pcapng' | 'live' | 'ndjson';

/** Things a source noticed about an exchange that analysis may want to know. */
export type ExchangeFlag =
  | 'request-interrupted' // capture gap or end inside the request
  | 'response-interrupted' // capture gap or end inside the response
  | 'body-gap' // bytes missing inside a body of known length (skipped)
  | 'decode-capped' // content decoding stopped at the size/ratio cap
  | 'decode-failed' // content-coding could not be decoded
  | 'upgrade' // connection switched protocol after this exchange
  | 'connect'; // CONNECT tunnel

export interface Exchange {
  source: ExchangeSourceKind;
  /** Start of the request, milliseconds since the Unix epoch. */
  startedAt: number;
  /** Time from request start to response end, when known. */
  durationMs?: number;
  /** "https" when the traffic was seen decrypted (HAR) or on a TLS port behind a terminator. */
  scheme: 'http' | 'https';
  client?: Endpoint4;
  server?: Endpoint4;
  request: HttpRequest;
  /** Missing when no response was seen (capture ended, or the response was lost). */
  response?: HttpResponse;
  flags?: ExchangeFlag[];
}

export function headerValue(headers: readonly Header[], name: string): string | undefined {
  // indexed: this runs several times on every exchange
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (h[0] === name) return h[1];
  }
  return undefined;
}

export function headerValues(headers: readonly Header[], name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of headers) if (k === name) out.push(v);
  return out;
}

/** Media type without parameters, lower-cased: "application/json; charset=utf-8" → "application/json". */
export function mediaType(headers: readonly Header[]): string | undefined {
  const v = headerValue(headers, 'content-type');
  if (!v) return undefined;
  // an exchange's media type is asked for several times, and most of an API's responses share one Content-Type
  if (v === lastContentType) return lastMediaType;
  const mt = v.split(';', 1)[0]!.trim().toLowerCase();
  lastContentType = v;
  lastMediaType = mt || undefined;
  return lastMediaType;
}

let lastContentType = '';
let lastMediaType: string | undefined;
