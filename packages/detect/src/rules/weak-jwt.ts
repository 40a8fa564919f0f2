/**
 * Weak JWTs seen in traffic: alg "none" (unsigned), no "exp", a lifetime
 * beyond the maximum, or personal data in the (merely encoded) claims.
 * API2:2023 names "accepts unsigned/weakly signed JWT tokens" and "does not
 * validate the JWT expiration date". Tokens are read from the exchange again
 * at the places the scan reported a JWT; nothing of them is kept but the
 * claim names.
 */
import type { Exchange, SensitiveMatch } from '@overhear/model';
import { headerValue, headerValues } from '@overhear/model';
import type { Rule, RuleHit } from './types.js';
import { hit } from './types.js';
import { decodeJwt } from '../jwt.js';
import { classifyValue } from '../classify.js';
import { isPiiType } from '../types.js';

export const DEFAULT_MAX_JWT_LIFETIME_SECONDS = 24 * 3600;

export const weakJwt: Rule = {
  id: 'weak-jwt',
  severity: 'medium',
  owasp: 'API2:2023',
  evaluate(ex, matches, ctx) {
    const max = ctx.maxJwtLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME_SECONDS;
    const now = Math.floor(ex.startedAt / 1000);
    const out: RuleHit[] = [];
    const seen = new Set<string>();
    for (const { where, token } of tokens(ex, matches)) {
      if (seen.has(token)) continue;
      seen.add(token);
      const d = decodeJwt(token);
      if (!d) continue;
      if (d.alg.toLowerCase() === 'none') out.push(hit(this, `${where}: JWT with alg "none" (unsigned)`, 'critical'));
      else if (!d.hasSignature) out.push(hit(this, `${where}: JWT (alg ${d.alg}) without a signature`, 'high'));
      if (d.exp === undefined) out.push(hit(this, `${where}: JWT without "exp" (never expires)`));
      else {
        const life = d.exp - (d.iat ?? now);
        if (life > max) out.push(hit(this, `${where}: JWT lifetime ${Math.round(life / 3600)} h (max ${Math.round(max / 3600)} h)`));
      }
      const pii = Object.entries(d.payload)
        .filter(([k, v]) => typeof v === 'string' && isPiiType(classifyValue(v, { name: k }) ?? ''))
        .map(([k]) => k);
      if (pii.length) out.push(hit(this, `${where}: JWT claims carry personal data (${pii.join(', ')}); JWT payloads are only encoded`, 'low'));
    }
    return out;
  },
};

/** The scheme in front of a credential ("Bearer "). */
const SCHEME = /^\w+\s+/;

/**
 * The JWTs to judge, with where each was: the Authorization headers' tokens,
 * and the places the scan reported a JWT. A plain function with early exits,
 * not a generator: it runs on every exchange analysed in full, and most carry
 * at most a bearer token.
 */
function tokens(ex: Exchange, matches: readonly SensitiveMatch[]): Array<{ where: string; token: string }> {
  const out: Array<{ where: string; token: string }> = [];
  const headers = ex.request.headers;
  const auth = headerValue(headers, 'authorization');
  if (auth) out.push({ where: 'request header authorization', token: auth.replace(SCHEME, '') });
  const proxy = headerValue(headers, 'proxy-authorization');
  if (proxy) out.push({ where: 'request header proxy-authorization', token: proxy.replace(SCHEME, '') });
  let jwtNames: Set<string> | undefined;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (m.type === 'jwt') (jwtNames ??= new Set()).add(`${m.location}\u0000${m.name}`);
  }
  if (jwtNames === undefined) return out;
  for (const c of headerValues(headers, 'cookie').flatMap((h) => h.split(';'))) {
    const [k, ...rest] = c.trim().split('=');
    if (k && jwtNames.has(`request.cookie\u0000${k}`)) out.push({ where: `request cookie ${k}`, token: rest.join('=') });
  }
  for (const sc of headerValues(ex.response?.headers ?? [], 'set-cookie')) {
    const pair = sc.split(';', 1)[0]!;
    const i = pair.indexOf('=');
    const k = pair.slice(0, i);
    if (jwtNames.has(`response.cookie\u0000${k}`)) out.push({ where: `response cookie ${k}`, token: pair.slice(i + 1) });
  }
  for (const [k, v] of ex.request.query) if (jwtNames.has(`query\u0000${k}`)) out.push({ where: `query ${k}`, token: v });
  for (const loc of ['request.body', 'response.body'] as const) {
    const paths = matches.filter((m) => m.type === 'jwt' && m.location === loc && m.name.startsWith('$.')).map((m) => m.name);
    if (paths.length === 0) continue;
    const body = loc === 'request.body' ? ex.request.body : ex.response?.body;
    if (!body || body.truncated) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.length).toString('utf8'));
    } catch {
      continue;
    }
    for (const p of paths) for (const v of resolve(doc, p)) if (typeof v === 'string') out.push({ where: `${loc} ${p}`, token: v });
  }
  return out;
}

/** Values at a scanner JSON path ("$.a.b[*].c"); "[*]" fans out over the array. */
export function resolve(doc: unknown, path: string): unknown[] {
  const steps = path.slice(1).match(/\.[^.[]+|\[\*\]|\['(?:[^'\\]|\\.)*'\]/g) ?? [];
  let cur: unknown[] = [doc];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (s === '[*]') {
        if (Array.isArray(v)) next.push(...v.slice(0, 100));
      } else if (v && typeof v === 'object' && !Array.isArray(v)) {
        const key = s.startsWith('.') ? s.slice(1) : s.slice(2, -2).replace(/\\(.)/g, '$1');
        if (key in v) next.push((v as Record<string, unknown>)[key]);
      }
    }
    cur = next;
  }
  return cur;
}
