import type { AuthScheme, Exchange } from '@overhear/model';

/**
 * Which credentials a request carries, by scheme. Only names and shapes are
 * looked at; values are never returned. An empty list means unauthenticated.
 */

const API_KEY_HEADERS = new Set([
  'x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token', 'x-token', 'x-api-token',
  'x-functions-key', 'ocp-apim-subscription-key', 'x-goog-api-key', 'private-token', 'x-client-secret',
]);
// A generic `token` is left out on purpose: in guest and tracking links it is a capability
// handed to anyone with the URL, not a credential that identifies a caller.
const API_KEY_QUERY = new Set(['api_key', 'apikey', 'api-key', 'key', 'access_token', 'auth_token', 'apitoken', 'api_token', 'client_secret', 'subscription-key']);
const SESSION_COOKIE = /^(sid|ssid|session|sessionid|session_id|sess|connect\.sid|jsessionid|phpsessid|aspsessionid\w*|asp\.net_sessionid|_session_id|.*_session|.*session|auth|auth_token|access_token|token|jwt|remember_token|laravel_session)$/i;

export function authSchemes(ex: Exchange): AuthScheme[] {
  return [...new Set(credentials(ex).map((c) => c.scheme))].sort();
}

/** A credential a request carries: its scheme and, for keys and cookies, the header, parameter or cookie name. */
export interface Credential {
  scheme: AuthScheme;
  name?: string;
}

export function credentials(ex: Exchange): Credential[] {
  const found: Credential[] = [];
  const add = (scheme: AuthScheme, name?: string): void => {
    if (!found.some((c) => c.scheme === scheme && c.name === name)) found.push(name === undefined ? { scheme } : { scheme, name });
  };
  for (const [name, value] of ex.request.headers) {
    if (name === 'authorization' || name === 'proxy-authorization') {
      const scheme = value.trim().split(/\s+/, 1)[0]!.toLowerCase();
      if (scheme === 'bearer') add('bearer');
      else if (scheme === 'basic') add('basic');
      else if (scheme === 'digest') add('digest');
      else if (value.trim()) add(looksLikeKey(value) ? 'api-key-header' : 'other', name);
    } else if (API_KEY_HEADERS.has(name) && value.trim()) {
      add('api-key-header', name);
    } else if (name === 'cookie') {
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        const cname = (eq < 0 ? part : part.slice(0, eq)).trim();
        if (cname && SESSION_COOKIE.test(cname) && part.slice(eq + 1).trim()) add('session-cookie', cname);
      }
    }
  }
  for (const [name, value] of ex.request.query) {
    if (value && API_KEY_QUERY.has(name.toLowerCase())) add('api-key-query', name);
  }
  return found;
}

function looksLikeKey(v: string): boolean {
  return /^[A-Za-z0-9_\-.=+/]{16,}$/.test(v.trim());
}
