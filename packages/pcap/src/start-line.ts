import type { HttpMessage } from './http-stream.js';

/** Request and status lines, into an HttpMessage: fast paths for the usual shapes, lenient otherwise. */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The registered methods, by length. */
const METHODS_BY_LENGTH: string[][] = [];
for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE']) (METHODS_BY_LENGTH[m.length] ??= []).push(m);

/**
 * The method that is line[0, len): a constant string for the registered ones
 * (its hash is computed once, however many requests look it up later), a
 * slice if it is another token, undefined if it is not a token.
 */
function methodOf(line: string, len: number): string | undefined {
  const known = METHODS_BY_LENGTH[len];
  if (known !== undefined) for (let i = 0; i < known.length; i++) if (line.startsWith(known[i]!)) return known[i]!;
  const method = line.slice(0, len);
  return TOKEN.test(method) ? method : undefined;
}

export function requestLine(m: HttpMessage, line: string): boolean {
  // the method ends at the first space or tab
  let cut = 0;
  const ln = line.length;
  while (cut < ln) {
    const c = line.charCodeAt(cut);
    if (c === 32 || c === 9) break;
    cut++;
  }
  if (cut === 0 || cut === ln) return false;
  const method = methodOf(line, cut);
  if (method === undefined) return false;
  m.method = method;
  // fast path: "METHOD target HTTP/x.y", single spaces, and no tab where the slow path would trim one
  const last = line.lastIndexOf(' ');
  if (last > cut + 1 && line.charCodeAt(cut) === 32 && line.startsWith('HTTP/', last + 1) && line.indexOf(' ', cut + 1) === last) {
    const version = line.slice(last + 6);
    if (line.charCodeAt(cut + 1) !== 9 && line.charCodeAt(last - 1) !== 9 && version.indexOf('\t') < 0) {
      m.target = line.slice(cut + 1, last);
      m.version = version;
      return true;
    }
  }
  let rest = line.slice(cut + 1).trim();
  // "target HTTP/x.y", found without a backtracking regex (heads can be 64 KiB of spaces)
  let h = rest.lastIndexOf('HTTP/');
  if (h < 0) h = rest.toUpperCase().lastIndexOf('HTTP/');
  const version = h >= 0 ? rest.slice(h + 5) : '';
  if (h >= 0 && (h === 0 || rest.charCodeAt(h - 1) === 32 || rest.charCodeAt(h - 1) === 9) && version.indexOf(' ') < 0 && version.indexOf('\t') < 0 && (h > 0 || /^[0-9]/.test(version))) {
    m.version = version;
    rest = rest.slice(0, h).trim();
  } else {
    // HTTP/0.9: only a simple request (upper-case method, one-word target) is taken, as Zeek does
    if (!/^[A-Z_]{2,}$/.test(method) || rest === '' || rest.indexOf(' ') >= 0 || rest.indexOf('\t') >= 0) return false;
    m.version = '0.9';
  }
  m.target = rest;
  return true;
}

export function statusLine(m: HttpMessage, line: string): boolean {
  // fast path: "HTTP/x.y NNN reason"
  if (line.startsWith('HTTP/') && line.charCodeAt(8) === 32 && line.length >= 12) {
    const d0 = line.charCodeAt(9) - 48;
    const d1 = line.charCodeAt(10) - 48;
    const d2 = line.charCodeAt(11) - 48;
    if (d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9 && (line.length === 12 || line.charCodeAt(12) === 32)) {
      m.version = line.slice(5, 8);
      m.status = d0 * 100 + d1 * 10 + d2;
      m.statusText = line.length > 13 ? line.slice(13).trim() : '';
      return true;
    }
  }
  const r = /^HTTP\/([0-9]+\.[0-9]+)[ \t]+([0-9]{3})(?:[ \t]+(.*))?$/i.exec(line) ?? /^HTTP\/([^ \t]*)[ \t]+([0-9]{1,3})\b(?:[ \t]*(.*))?$/i.exec(line);
  if (!r) return false;
  m.version = r[1]!;
  m.status = Number(r[2]);
  m.statusText = (r[3] ?? '').trim();
  return true;
}
