/**
 * Session cookies set for too long, or without Secure / HttpOnly / SameSite:
 * API2:2023 (Broken Authentication; session management). The default maximum
 * lifetime, 8 hours, is the upper end of the absolute timeout the OWASP
 * Session Management Cheat Sheet gives for applications used through a
 * working day; session cookies should ideally not be persistent at all.
 */
import { headerValues } from '@overhear/model';
import type { Rule, RuleHit } from './types.js';
import { hit } from './types.js';
import { nameHint } from '../names.js';

export const DEFAULT_MAX_SESSION_COOKIE_SECONDS = 8 * 3600;

export const longLivedSessionCookie: Rule = {
  id: 'long-lived-session-cookie',
  severity: 'medium',
  owasp: 'API2:2023',
  evaluate(ex, matches, ctx) {
    if (!ex.response) return [];
    const max = ctx.maxSessionCookieSeconds ?? DEFAULT_MAX_SESSION_COOKIE_SECONDS;
    const credentialCookies = new Set(matches.filter((m) => m.location === 'response.cookie' && (m.type === 'session-token' || m.type === 'jwt' || m.type === 'generic-secret')).map((m) => m.name));
    const out: RuleHit[] = [];
    for (const sc of headerValues(ex.response.headers, 'set-cookie')) {
      const parts = sc.split(';').map((p) => p.trim());
      const eq = parts[0]!.indexOf('=');
      if (eq <= 0) continue;
      const name = parts[0]!.slice(0, eq);
      const value = parts[0]!.slice(eq + 1);
      if (!credentialCookies.has(name) && nameHint(name) !== 'session') continue;
      const attrs = new Map<string, string>();
      for (const p of parts.slice(1)) {
        const i = p.indexOf('=');
        attrs.set((i < 0 ? p : p.slice(0, i)).toLowerCase(), i < 0 ? '' : p.slice(i + 1));
      }
      let lifetime: number | undefined;
      if (attrs.has('max-age')) lifetime = Number(attrs.get('max-age'));
      else if (attrs.has('expires')) {
        const t = Date.parse(attrs.get('expires')!);
        if (!Number.isNaN(t)) lifetime = Math.round((t - ex.startedAt) / 1000);
      }
      // A deletion (empty value, or expiry in the past) is not a session being set.
      if (value === '' || (lifetime !== undefined && lifetime <= 0)) continue;
      if (lifetime !== undefined && lifetime > max) out.push(hit(this, `cookie ${name} lives ${humanSeconds(lifetime)} (max ${humanSeconds(max)})`));
      const missing = ['secure', 'httponly', 'samesite'].filter((a) => !attrs.has(a));
      if (attrs.get('samesite')?.toLowerCase() === 'none' && !attrs.has('secure')) missing.push('Secure (required by SameSite=None)');
      if (missing.length) out.push(hit(this, `cookie ${name} set without ${missing.map((m) => ({ secure: 'Secure', httponly: 'HttpOnly', samesite: 'SameSite' })[m] ?? m).join(', ')}`, missing.includes('secure') || missing.includes('httponly') ? 'medium' : 'low'));
    }
    return out;
  },
};

function humanSeconds(s: number): string {
  if (s >= 86400) return `${Math.round(s / 86400)} d`;
  if (s >= 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 60)} min`;
}
