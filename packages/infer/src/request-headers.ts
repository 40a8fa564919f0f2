/**
 * Request headers that are part of an API's contract rather than of HTTP
 * itself: everything not in this list of standard and browser headers.
 * Credentials are reported by auth-scheme, not as parameters.
 */
const STANDARD = new Set([
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'access-control-request-headers',
  'access-control-request-method', 'authorization', 'cache-control', 'connection', 'content-encoding', 'content-language',
  'content-length', 'content-md5', 'content-type', 'cookie', 'date', 'dnt', 'expect', 'forwarded', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'keep-alive', 'max-forwards',
  'origin', 'pragma', 'priority', 'proxy-authorization', 'proxy-connection', 'range', 'referer', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'upgrade-insecure-requests', 'user-agent', 'via', 'warning', 'x-forwarded-for',
  'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'x-requested-with', 'purpose', 'x-purpose',
  'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site',
  'sec-fetch-user', 'sec-gpc', 'sec-purpose', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions',
  'sec-websocket-protocol', 'x-amzn-trace-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid',
  'x-b3-sampled', 'x-b3-parentspanid', 'x-request-id', 'x-correlation-id', 'x-cloud-trace-context', 'cdn-loop',
  'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'x-csrf-token', 'x-xsrf-token',
]);

export function isContractHeader(name: string): boolean {
  return !STANDARD.has(name) && !name.startsWith('sec-ch-') && !name.startsWith(':');
}
