import type { AuthScheme, Exchange } from '@overhear/model';
import { NameSet } from './name-set.js';

/**
 * Which credentials a request carries, by scheme. Only names and shapes are
 * looked at; values are never returned. An empty list means unauthenticated.
 */

const API_KEY_HEADERS = new NameSet([
  'x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token', 'x-token', 'x-api-token',
  'x-functions-key', 'ocp-apim-subscription-key', 'x-goog-api-key', 'private-token', 'x-client-secret',
]);
// A generic `token` is left out on purpose: in guest and tracking links it is a capability
// handed to anyone with the URL, not a credential that identifies a caller.
const API_KEY_QUERY = new NameSet(['api_key', 'apikey', 'api-key', 'key', 'access_token', 'auth_token', 'apitoken', 'api_token', 'client_secret', 'subscription-key']);
const SESSION_COOKIE = /^(sid|ssid|session|sessionid|session_id|sess|connect\.sid|jsessionid|phpsessid|aspsessionid\w*|asp\.net_sessionid|_session_id|.*_session|.*session|auth|auth_token|access_token|token|jwt|remember_token|laravel_session)$/i;

export function authSchemes(ex: Exchange): AuthScheme[] {
  return [...new Set(credentials(ex).map((c) => c.scheme))].sort();
}

/** A credential a request carries: its scheme and, for keys and cookies, the header, parameter or cookie name. */
export interface Credential {
  scheme: AuthScheme;
  name?: string;
}

/** Every request is looked at: the common answers are shared, not made per request. */
const NONE: readonly Credential[] = Object.freeze([]);
const BY_SCHEME: Partial<Record<AuthScheme, Credential>> = { bearer: Object.freeze({ scheme: 'bearer' }), basic: Object.freeze({ scheme: 'basic' }), digest: Object.freeze({ scheme: 'digest' }) };

export function credentials(ex: Exchange): readonly Credential[] {
  let found: Credential[] | undefined;
  // indexed loops, names tested without hashing them: this runs on every exchange
  const headers = ex.request.headers;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (name === 'authorization' || name === 'proxy-authorization') {
      const scheme = authScheme(value);
      if (scheme === 'bearer' || scheme === 'basic' || scheme === 'digest') found = add(found, scheme);
      else if (value.trim()) found = add(found, looksLikeKey(value) ? 'api-key-header' : 'other', name);
    } else if (name === 'cookie') {
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        const cname = (eq < 0 ? part : part.slice(0, eq)).trim();
        if (cname && SESSION_COOKIE.test(cname) && part.slice(eq + 1).trim()) found = add(found, 'session-cookie', cname);
      }
    } else if (API_KEY_HEADERS.has(name) && value.trim()) {
      found = add(found, 'api-key-header', name);
    }
  }
  const query = ex.request.query;
  for (let i = 0; i < query.length; i++) {
    const [name, value] = query[i]!;
    if (value && API_KEY_QUERY.hasIgnoringCase(name)) found = add(found, 'api-key-query', name);
  }
  return found ?? NONE;
}

function add(found: Credential[] | undefined, scheme: AuthScheme, name?: string): Credential[] {
  const c = name === undefined ? (BY_SCHEME[scheme] ?? { scheme }) : { scheme, name };
  if (!found) return [c];
  for (const f of found) if (f.scheme === scheme && f.name === name) return found;
  found.push(c);
  return found;
}

/** The first word of an Authorization value, lower-cased ("Bearer abc" → "bearer"), without regular expressions: this runs on every request. */
function authScheme(value: string): string {
  let i = 0;
  while (i < value.length && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  let j = i;
  while (j < value.length && value.charCodeAt(j) !== 32 && value.charCodeAt(j) !== 9) j++;
  const word = value.slice(i, j);
  // The usual spellings need no lower-casing.
  return word === 'Bearer' ? 'bearer' : word === 'Basic' ? 'basic' : word.toLowerCase();
}

function looksLikeKey(v: string): boolean {
  return /^[A-Za-z0-9_\-.=+/]{16,}$/.test(v.trim());
}
