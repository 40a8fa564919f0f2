import { headerValue, type Exchange } from '@overhear/model';
import { CredentialStuffingDetector, createRedactor, createScanner, decodeJwt, evaluateRules, type RuleContext, type ScanOptions } from '@overhear/detect';
import type { Detection, Detector, ExchangeContext } from './analyzer.js';

export interface DetectorOptions {
  /** The per-catalog secret for keyed hashes (Catalog.secretKey()). */
  key: Uint8Array;
  rules?: RuleContext;
  scan?: Omit<ScanOptions, 'redactor'>;
}

/**
 * Sensitive data, per-exchange findings and consumers for one exchange,
 * already redacted: what reaches the analyzer (and so the catalog) is type,
 * place, masked preview and keyed hash, never a value.
 */
export function createDetector(opts: DetectorOptions): Detector {
  const redactor = createRedactor(opts.key);
  const scan = createScanner({ ...opts.scan, redactor });
  const rules = opts.rules ?? {};
  const stuffing = new CredentialStuffingDetector();
  return (ex: Exchange, ctx?: ExchangeContext): Detection => {
    const matches = scan(ex, ctx?.json);
    const findings = [...evaluateRules(ex, matches, rules), ...stuffing.observe(ex, matches)].map((h) => ({ rule: h.rule, severity: h.severity, owasp: h.owasp, evidence: h.evidence }));
    const consumers: Detection['consumers'] = [];
    if (ex.client) consumers.push({ kind: 'client-ip', id: `${redactor.preview('ip-address', ex.client.ip)} #${redactor.hash(ex.client.ip).slice(0, 12)}` });
    const ua = headerValue(ex.request.headers, 'user-agent');
    if (ua) consumers.push({ kind: 'user-agent', id: userAgentFamily(ua) });
    const cred = credentialId(ex);
    if (cred) consumers.push({ kind: 'credential', id: `${cred.scheme}:${redactor.hash(cred.value).slice(0, 16)}${cred.label ? ` ${cred.label}` : ''}` });
    return {
      sensitive: matches.map((m) => ({ type: m.type, location: m.location, name: m.name, preview: m.preview, hash: m.hash })),
      findings,
      consumers,
    };
  };
}

/** The credential a request presents, for "who calls this, with which key". The value is only ever hashed. */
function credentialId(ex: Exchange): { scheme: string; value: string; label?: string } | undefined {
  const auth = headerValue(ex.request.headers, 'authorization');
  if (auth) {
    const [scheme = '', token = ''] = auth.trim().split(/\s+/, 2);
    const jwt = scheme.toLowerCase() === 'bearer' ? decodeJwt(token) : undefined;
    if (jwt) {
      // A JWT names its caller: iss/sub identify it across token renewals (both are hashed).
      const iss = typeof jwt.payload.iss === 'string' ? jwt.payload.iss : '';
      const sub = typeof jwt.payload.sub === 'string' || typeof jwt.payload.sub === 'number' ? String(jwt.payload.sub) : '';
      if (iss || sub) return { scheme: 'jwt', value: `${iss}\u0000${sub}` };
    }
    return { scheme: scheme.toLowerCase() || 'authorization', value: auth };
  }
  for (const name of ['x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token']) {
    const v = headerValue(ex.request.headers, name);
    if (v) return { scheme: 'api-key', value: v };
  }
  for (const [k, v] of ex.request.query) if (/^(api[_-]?key|apikey|key|access_token)$/i.test(k) && v) return { scheme: 'api-key', value: v };
  const cookie = headerValue(ex.request.headers, 'cookie');
  if (cookie) {
    const m = /(?:^|;\s*)((?:[\w.-]*sess[\w.-]*|sid|connect\.sid|jsessionid|phpsessid))=([^;]+)/i.exec(cookie);
    if (m) return { scheme: 'session', value: m[2]! };
  }
  return undefined;
}

const UA_FAMILIES: Array<[RegExp, string]> = [
  [/\bcurl\//i, 'curl'],
  [/\bwget\//i, 'wget'],
  [/python-requests|python-urllib|aiohttp|httpx/i, 'python'],
  [/\bokhttp\//i, 'okhttp'],
  [/go-http-client/i, 'go'],
  [/\bjava\/|apache-httpclient/i, 'java'],
  [/\bnode-fetch|undici|axios|node\.js/i, 'node'],
  [/postman/i, 'postman'],
  [/insomnia/i, 'insomnia'],
  [/k6\//i, 'k6'],
  [/kube-probe/i, 'kube-probe'],
  [/bot|crawler|spider/i, 'bot'],
  [/edg\//i, 'edge'],
  [/chrome\/|crios\//i, 'chrome'],
  [/firefox\/|fxios\//i, 'firefox'],
  [/safari\//i, 'safari'],
];

export function userAgentFamily(ua: string): string {
  for (const [re, name] of UA_FAMILIES) if (re.test(ua)) return name;
  const first = /^([A-Za-z][\w.-]{0,30})/.exec(ua.trim());
  return first ? first[1]!.toLowerCase() : 'other';
}
