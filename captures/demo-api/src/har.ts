/** The subset of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) this recorder writes. */

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: { mimeType: string; text: string; params: HarNameValue[] };
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text: string;
  encoding?: 'base64';
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  ssl: number;
  send: number;
  wait: number;
  receive: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress: string;
  connection: string;
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
    comment?: string;
  };
}

/** Bytes of a header block as sent: start line, `Name: value` lines, blank line. */
export function headerBlockSize(startLine: string, headers: HarNameValue[]): number {
  let text = `${startLine}\r\n`;
  for (const h of headers) text += `${h.name}: ${h.value}\r\n`;
  return Buffer.byteLength(`${text}\r\n`);
}

export function requestCookies(cookieHeader: string | undefined): HarCookie[] {
  if (!cookieHeader) return [];
  return cookieHeader.split(';').flatMap((part) => {
    const i = part.indexOf('=');
    return i > 0 ? [{ name: part.slice(0, i).trim(), value: part.slice(i + 1).trim() }] : [];
  });
}

/** One Set-Cookie header as a HAR cookie; Max-Age becomes an absolute expiry, as browsers record it. */
export function responseCookie(setCookie: string, receivedAt: Date): HarCookie {
  const [pair = '', ...attrs] = setCookie.split(';');
  const i = pair.indexOf('=');
  const cookie: HarCookie = { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim() };
  for (const attr of attrs) {
    const [rawKey = '', ...rest] = attr.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'expires') cookie.expires = new Date(value).toISOString();
    else if (key === 'max-age') cookie.expires = new Date(receivedAt.getTime() + Number(value) * 1000).toISOString();
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
  }
  cookie.httpOnly ??= false;
  cookie.secure ??= false;
  return cookie;
}
