/**
 * Common header names as constant strings, recognised in the head text by
 * length and a case-blind comparison instead of
 * slicing and lower-casing every name. Besides saving the copies, it makes the
 * names analysis compares and looks up in maps constants: a sliced string is
 * hashed and compared anew on every lookup, a constant once.
 */
const COMMON = [
  'host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'authorization',
  'proxy-authorization', 'cookie', 'set-cookie', 'content-type', 'content-length', 'content-encoding',
  'transfer-encoding', 'connection', 'keep-alive', 'date', 'server', 'cache-control', 'pragma', 'expires',
  'etag', 'last-modified', 'if-none-match', 'if-modified-since', 'vary', 'location', 'referer', 'origin',
  'upgrade', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'x-request-id',
  'x-correlation-id', 'x-api-key', 'x-powered-by', 'x-requested-with', 'x-frame-options', 'x-content-type-options',
  'access-control-allow-origin', 'access-control-allow-credentials', 'strict-transport-security',
  'content-security-policy', 'www-authenticate', 'deprecation', 'sunset', 'link', 'range', 'content-range',
  'accept-ranges', 'age', 'via', 'te', 'trailer', 'expect', 'dnt', 'content-disposition', 'content-language',
];

/** By name length: the lower-case names of that length. */
const BY_LENGTH: Array<string[] | undefined> = [];
for (const name of COMMON) (BY_LENGTH[name.length] ??= []).push(name);

/** t[p, p + lower.length) is `lower` in any letter case (`lower` is a-z and "-"). */
function sameName(t: string, p: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const x = t.charCodeAt(p + i);
    // x | 0x20 folds only A-Z onto a-z; "-" must match exactly (CR | 0x20 is "-")
    if (x !== c && (c === 45 || (x | 0x20) !== c)) return false;
  }
  return true;
}

/** The lower-case name of the header at t[p, end): a constant for common names, a new string otherwise. */
export function headerName(t: string, p: number, end: number): string {
  const list = BY_LENGTH[end - p];
  if (list !== undefined) {
    const first = t.charCodeAt(p) | 0x20;
    for (let i = 0; i < list.length; i++) {
      const name = list[i]!;
      if (name.charCodeAt(0) === first && sameName(t, p, name)) return name;
    }
  }
  return t.slice(p, end).toLowerCase();
}

/** The method at the start of a request line, `len` characters long: a constant for the usual ones. */
export function methodName(line: string, len: number): string {
  switch (len) {
    case 3:
      if (line.startsWith('GET')) return 'GET';
      if (line.startsWith('PUT')) return 'PUT';
      break;
    case 4:
      if (line.startsWith('POST')) return 'POST';
      if (line.startsWith('HEAD')) return 'HEAD';
      break;
    case 5:
      if (line.startsWith('PATCH')) return 'PATCH';
      if (line.startsWith('TRACE')) return 'TRACE';
      break;
    case 6:
      if (line.startsWith('DELETE')) return 'DELETE';
      break;
    case 7:
      if (line.startsWith('OPTIONS')) return 'OPTIONS';
      if (line.startsWith('CONNECT')) return 'CONNECT';
      break;
  }
  return line.slice(0, len);
}
