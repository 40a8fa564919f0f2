import type { EndpointShape } from '@overhear/catalog';
import type { DerivedFinding } from '@overhear/catalog';
import type { JsonSchema } from '@overhear/model';
import { isPiiType } from '@overhear/detect';

/**
 * Findings that need an endpoint's whole history, not one exchange:
 * - enumerable-id (API1:2023): integer object ids walked in sequence on an
 *   endpoint whose responses carry personal data — what a BOLA scan looks like;
 * - excessive-data-exposure (API3:2023): responses carrying internal fields
 *   (password hashes, fraud scores, login IPs…) or many kinds of personal data.
 */

export interface EndpointFacts extends EndpointShape {
  firstSeenMs: number;
  lastSeenMs: number;
  unauthenticatedHits: number;
}

const INTERNAL_FIELDS = new Set([
  'passwordhash', 'hashedpassword', 'pwdhash', 'passhash', 'passworddigest', 'encryptedpassword', 'passwordsalt', 'salt',
  'fraudscore', 'riskscore', 'lastloginip', 'lastloginipaddress', 'registrationip', 'signupip', 'internalnotes', 'internalnote',
  'internalcomment', 'isadmin', 'issuperuser', 'superuser', 'apisecret', 'secretkey', 'privatekey', 'mfasecret', 'totpsecret',
  'otpsecret', 'resettoken', 'passwordresettoken', 'verificationtoken', 'ssn', 'socialsecuritynumber',
]);

/** Distinct personal-data types in responses at which a response is "everything about someone". */
const MANY_PII_TYPES = 6;
const MIN_WALK = 10;

export function endpointFindings(e: EndpointFacts): DerivedFinding[] {
  const out: DerivedFinding[] = [];
  const base = { host: e.host, method: e.method, path: e.path, firstSeen: e.firstSeenMs, lastSeen: e.lastSeenMs };
  const responsePii = [...new Set(e.sensitive.filter((s) => s.location.startsWith('response') && isPiiType(s.type)).map((s) => s.type))].sort();

  for (const p of e.parameters) {
    // A client walking ids asks for a long run of consecutive integers (1001, 1002, 1003…).
    if (p.location !== 'path' || (p.longestRun ?? 0) < MIN_WALK || responsePii.length === 0) continue;
    const unauth = e.unauthenticatedHits > 0;
    out.push({
      ...base,
      rule: 'enumerable-id',
      key: `sequential ${p.name}`,
      severity: unauth ? 'high' : 'medium',
      owasp: 'API1:2023',
      evidence: `${p.longestRun} consecutive values of ${p.name} requested; responses carry ${responsePii.join(', ')}${unauth ? '; some without credentials' : ''}`,
      // Every request names the parameter (it is in the path); its own count is out of the exchanges analysed in full.
      count: e.hits,
    });
  }

  const internal = new Set<string>();
  for (const b of e.bodies) if (b.direction === 'response' && b.schema) collectInternal(b.schema, internal, 0);
  if (internal.size > 0 || responsePii.length >= MANY_PII_TYPES) {
    const parts: string[] = [];
    if (internal.size) parts.push(`internal fields ${[...internal].sort().slice(0, 8).join(', ')}`);
    if (responsePii.length >= MANY_PII_TYPES) parts.push(`${responsePii.length} kinds of personal data (${responsePii.join(', ')})`);
    out.push({ ...base, rule: 'excessive-data-exposure', key: 'excessive data', severity: internal.size ? 'high' : 'medium', owasp: 'API3:2023', evidence: `responses carry ${parts.join(' and ')}`, count: e.hits });
  }
  return out;
}

function collectInternal(s: JsonSchema, out: Set<string>, depth: number): void {
  if (depth > 8 || out.size >= 16) return;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    if (INTERNAL_FIELDS.has(k.toLowerCase().replace(/[-_]/g, ''))) out.add(k);
    collectInternal(v, out, depth + 1);
  }
  if (s.items) collectInternal(s.items, out, depth + 1);
}
