/**
 * JSON Web Tokens (compact JWS): "header.payload.signature", each part
 * base64url. A value is a JWT only if the header decodes to a JSON object with
 * a string "alg" and the payload to a JSON object; the signature may be empty
 * (alg "none"). The decoded claims are for rules (weak-jwt) and are never
 * stored: a payload may itself carry personal data.
 */

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  alg: string;
  /** Seconds since the epoch, when the "exp" claim is a number. */
  exp?: number;
  iat?: number;
  nbf?: number;
  hasSignature: boolean;
}

const b64urlRe = /^[A-Za-z0-9_-]+={0,2}$/;

function decodePart(part: string): Record<string, unknown> | undefined {
  if (part.length < 4 || !b64urlRe.test(part)) return undefined;
  let json: string;
  try {
    json = Buffer.from(part, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  if (json.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last token decoded and its answer: one request's token is decoded up to
 * three times (its caller's id, the scan, the weak-jwt rule). Shared: treat
 * the answer as read-only.
 */
let lastToken = '';
let lastDecoded: DecodedJwt | undefined;

/** Decodes without verifying. Undefined when the value is not a JWT. The answer is shared with other callers: do not change it. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  if (token.length < 20 || token.length > 16384 || !token.startsWith('eyJ')) return undefined;
  if (token === lastToken) return lastDecoded;
  lastDecoded = decode(token);
  lastToken = token;
  return lastDecoded;
}

function decode(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const header = decodePart(parts[0]!);
  if (!header || typeof header.alg !== 'string') return undefined;
  const payload = decodePart(parts[1]!);
  if (!payload) return undefined;
  const sig = parts[2] ?? '';
  if (sig !== '' && !b64urlRe.test(sig)) return undefined;
  const out: DecodedJwt = { header, payload, alg: header.alg, hasSignature: sig.length > 0 };
  if (typeof payload.exp === 'number') out.exp = payload.exp;
  if (typeof payload.iat === 'number') out.iat = payload.iat;
  if (typeof payload.nbf === 'number') out.nbf = payload.nbf;
  return out;
}

// The same token rides on every request of a session: remember recent answers.
const memo = new Map<string, boolean>();

export function isJwt(value: string): boolean {
  if (value.length < 20 || !value.startsWith('eyJ')) return false;
  // the token just decoded (one request's token is looked at from several places)
  if (value === lastToken) return lastDecoded !== undefined;
  let r = memo.get(value);
  if (r === undefined) {
    r = decodeJwt(value) !== undefined;
    if (memo.size >= 4096) memo.clear();
    memo.set(value, r);
  }
  return r;
}
