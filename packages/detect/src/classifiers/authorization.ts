/**
 * Credentials in an Authorization (or Proxy-Authorization) header value.
 * Basic must decode to "user:password" in printable text; Bearer and other
 * token schemes must carry a token that is not a placeholder.
 */
import { isJwt } from '../jwt.js';
import { notPlaceholder } from './cloud-keys.js';

export interface AuthCredential {
  type: 'basic-auth' | 'bearer-token';
  scheme: string;
  /** The token after the scheme (for Bearer), for further classification (JWT, cloud key). */
  token: string;
}

const placeholderToken = /^(?:\$\{?[A-Za-z_]+\}?|<[^>]*>|\{\{[^}]*\}\}|\*+|x+|\.\.\.|null|undefined|token|your[-_]?token)$/i;

export function parseAuthorization(value: string): AuthCredential | undefined {
  const sp = value.indexOf(' ');
  if (sp <= 0) {
    // A bare token in the header: JWTs are common ("Authorization: eyJ…").
    return isJwt(value) ? { type: 'bearer-token', scheme: '', token: value } : undefined;
  }
  const scheme = value.slice(0, sp).toLowerCase();
  const token = value.slice(sp + 1).trim();
  if (scheme === 'basic') return isBasicCredential(token) ? { type: 'basic-auth', scheme: 'Basic', token } : undefined;
  if (scheme === 'bearer' || scheme === 'token' || scheme === 'api-token' || scheme === 'apikey' || scheme === 'sso-key' || scheme === 'key') {
    if (token.length < 8 || token.indexOf(' ') >= 0) return undefined;
    if (!isJwt(token) && (placeholderToken.test(token) || !notPlaceholder(token))) return undefined;
    return { type: 'bearer-token', scheme: value.slice(0, sp), token };
  }
  return undefined;
}

/** base64("user:password") with printable text and a non-empty user or password. */
export function isBasicCredential(token: string): boolean {
  if (token.length < 4 || token.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) return false;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0 || text.length < 2) return false;
  if (!/^[\x20-\x7e\u00a0-\uffff]+$/.test(text) || text.indexOf('\ufffd') >= 0) return false;
  return true;
}

/** "https://user:pass@host/…": credentials in a URL's userinfo. */
export function hasUrlCredentials(value: string): boolean {
  const i = value.indexOf('://');
  if (i < 2 || i > 10) return false;
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s:/?#@]+):([^\s/?#@]+)@[A-Za-z0-9.-]+/i.exec(value);
  if (!m) return false;
  const pass = m[2]!;
  return !/^(?:\$\{?[A-Za-z_]+\}?|<[^>]*>|\*+|x+)$/i.test(pass);
}
