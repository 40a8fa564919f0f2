import { headerValue, type Endpoint4, type Exchange } from '@overhear/model';
import { ANALYSIS_RULES, CredentialStuffingDetector, EVERY_EXCHANGE_RULES, createLazyScanner, createRedactor, decodeJwt, evaluateRules, type RuleContext, type RuleHit, type ScanOptions } from '@overhear/detect';
import type { CredentialKind, Detection, Detector, Observation } from './analyzer.js';
import { hash53 } from './string-hash.js';
import { memo } from './memo.js';

export interface DetectorOptions {
  /** The per-catalog secret for keyed hashes (Catalog.secretKey()). */
  key: Uint8Array;
  rules?: RuleContext;
  scan?: Omit<ScanOptions, 'redactor'>;
}

/** What most exchanges raise in `observe` (shared: nothing allocated per exchange). */
const NO_FINDINGS: Observation['findings'] = Object.freeze([]);
const NO_MATCHES: Parameters<typeof evaluateRules>[1] = Object.freeze([]);

/** Statuses a failed login answers with: only these can be part of a credential-stuffing flood. */
const FAILED_LOGIN = new Set([400, 401, 403, 429]);

/**
 * Sensitive data, per-exchange findings and consumers, already redacted:
 * what reaches the analyzer (and so the catalog) is type, place, masked
 * preview and keyed hash, never a value. Consumer ids are memoised by the
 * value they come from (in memory only): the same client, user agent and
 * token recur on every request of a session, and keyed hashes cost.
 */
export function createDetector(opts: DetectorOptions): Detector {
  const redactor = createRedactor(opts.key);
  // matches redact themselves when read: the analyzer keeps only the first of each place and type per endpoint
  const scan = createLazyScanner({ ...opts.scan, redactor });
  const rules = opts.rules ?? {};
  const stuffing = new CredentialStuffingDetector();
  const clientIds = new Map<string, string>();
  const agentFamilies = new Map<string, string>();
  // by hash53 of the value: a raw credential is not kept (nor the request head a slice of it would hold on to)
  const credentialIds: Record<CredentialKind, Map<number, string>> = { authorization: new Map(), key: new Map(), session: new Map() };
  // Exchanges of one connection share the client and usually the user agent: the last ones are kept at hand.
  let lastClient: Endpoint4 | undefined;
  let lastClientId = '';
  let lastAgent: string | undefined;
  let lastAgentId = '';
  /** The exchange `observe` scanned last (a failed login), so that `analyse` does not scan it again. */
  let scanned: { ex: Exchange; matches: ReturnType<typeof scan> } | undefined;
  const toFinding = (h: RuleHit): Detection['findings'][number] => ({ rule: h.rule, severity: h.severity, owasp: h.owasp, evidence: h.evidence });
  // made once, not per call: the client and user agent change from one exchange to the next when connections interleave
  const clientId = (ip: string): string => `${redactor.preview('ip-address', ip)} #${redactor.hash(ip).slice(0, 12)}`;

  // one, refilled by every call (see Detector.observe): it is read before the next exchange is observed
  const observation: Observation = { findings: NO_FINDINGS, clientId: undefined, userAgentId: undefined, credential: undefined, credentialKind: 'authorization' };

  return {
    observe(ex) {
      const client = ex.client;
      if (client && client !== lastClient) {
        lastClient = client;
        lastClientId = memo(clientIds, client.ip, clientId);
      }
      const ua = headerValue(ex.request.headers, 'user-agent');
      if (ua && ua !== lastAgent) {
        lastAgent = ua;
        lastAgentId = memo(agentFamilies, ua, userAgentFamily);
      }
      let findings = NO_FINDINGS;
      scanned = undefined;
      if (FAILED_LOGIN.has(ex.response?.status ?? 0) && ex.request.body?.bytes.length) {
        // A failed login with a body: every one counts toward a flood, so this one is scanned even when not analysed in full.
        const matches = scan(ex, undefined);
        scanned = { ex, matches };
        findings = stuffing.observe(ex, matches).map(toFinding);
      }
      // rules that need no scan and cost little run here, on every exchange: sampling cannot hide what they see
      const cheap = evaluateRules(ex, NO_MATCHES, rules, EVERY_EXCHANGE_RULES);
      if (cheap.length) findings = [...findings, ...cheap.map(toFinding)];
      const out = observation;
      out.findings = findings;
      out.clientId = client ? lastClientId : undefined;
      out.userAgentId = ua ? lastAgentId : undefined;
      out.credential = undefined;
      out.credentialKind = 'authorization';
      credentialSource(ex, out);
      return out;
    },
    credentialId(value, kind) {
      return memo(credentialIds[kind], hash53(value), () => {
        const c = credentialId(value, kind);
        return `${c.scheme}:${redactor.hash(c.value).slice(0, 16)}${c.label ? ` ${c.label}` : ''}`;
      });
    },
    analyse(ex, ctx) {
      const matches = scanned?.ex === ex ? scanned.matches : scan(ex, ctx.json);
      scanned = undefined;
      return {
        sensitive: matches,
        findings: evaluateRules(ex, matches, rules, ANALYSIS_RULES).map(toFinding),
      };
    },
  };
}

/**
 * Sets the credential a request presents (the raw Authorization value, key
 * or session cookie value) and its kind, when it presents one. Only ever
 * hashed. Values are handed on as they are, not joined with their kind: a new
 * string per request would cost more than the rest of counting a caller.
 */
function credentialSource(ex: Exchange, out: Observation): void {
  const auth = headerValue(ex.request.headers, 'authorization');
  if (auth) return set(out, 'authorization', auth);
  for (const name of API_KEY_HEADERS) {
    const v = headerValue(ex.request.headers, name);
    if (v) return set(out, 'key', v);
  }
  for (const [k, v] of ex.request.query) if (API_KEY_QUERY.test(k) && v) return set(out, 'key', v);
  const cookie = headerValue(ex.request.headers, 'cookie');
  if (cookie) {
    const m = SESSION_COOKIE.exec(cookie);
    if (m) return set(out, 'session', m[2]!);
  }
}

function set(out: Observation, kind: CredentialKind, value: string): void {
  out.credentialKind = kind;
  out.credential = value;
}

const API_KEY_HEADERS = ['x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token'];
const API_KEY_QUERY = /^(api[_-]?key|apikey|key|access_token)$/i;
const SESSION_COOKIE = /(?:^|;\s*)((?:[\w.-]*sess[\w.-]*|sid|connect\.sid|jsessionid|phpsessid))=([^;]+)/i;

/** The credential a request presents, for "who calls this, with which key". The value is only ever hashed. */
function credentialId(value: string, kind: CredentialKind): { scheme: string; value: string; label?: string } {
  if (kind === 'key') return { scheme: 'api-key', value };
  if (kind === 'session') return { scheme: 'session', value };
  const [scheme = '', token = ''] = value.trim().split(/\s+/, 2);
  const jwt = scheme.toLowerCase() === 'bearer' ? decodeJwt(token) : undefined;
  if (jwt) {
    // A JWT names its caller: iss/sub identify it across token renewals (both are hashed).
    const iss = typeof jwt.payload.iss === 'string' ? jwt.payload.iss : '';
    const sub = typeof jwt.payload.sub === 'string' || typeof jwt.payload.sub === 'number' ? String(jwt.payload.sub) : '';
    if (iss || sub) return { scheme: 'jwt', value: `${iss}\u0000${sub}` };
  }
  return { scheme: scheme.toLowerCase() || 'authorization', value };
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
