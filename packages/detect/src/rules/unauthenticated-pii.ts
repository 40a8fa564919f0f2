/**
 * Personal data returned to a request that carries no credential at all:
 * API2:2023 Broken Authentication ("sensitive data exposed without
 * authentication"). Guest-order and parcel-tracking links are the classic
 * case: whoever holds the URL reads a customer's name, phone and address.
 * A request "carries a credential" when any credential type is found on the
 * request side (Authorization, API key, session cookie, password in the body).
 */
import { headerValue } from '@overhear/model';
import type { Rule } from './types.js';
import { hit } from './types.js';
import { isPii, isSecret } from './util.js';

const REQUEST_SIDE = new Set(['path', 'query', 'request.header', 'request.cookie', 'request.body']);
/** Capability tokens in the query (guest links) are exactly what this rule is about, so they do not count as credentials. */
const CAPABILITY_TYPES = new Set(['generic-secret']);

export const unauthenticatedPii: Rule = {
  id: 'unauthenticated-pii',
  severity: 'high',
  owasp: 'API2:2023',
  evaluate(ex, matches, ctx) {
    const status = ex.response?.status ?? 0;
    if (status < 200 || status >= 300) return [];
    if (headerValue(ex.request.headers, 'authorization')) return [];
    const credential = matches.some((m) => REQUEST_SIDE.has(m.location) && isSecret(m.type, ctx) && !(m.location === 'query' && CAPABILITY_TYPES.has(m.type)));
    if (credential) return [];
    const pii = [...new Set(matches.filter((m) => m.location.startsWith('response') && isPii(m.type, ctx) && m.type !== 'ip-address').map((m) => m.type))].sort();
    // One stray field is not "personal data about someone": ask for two types, or a type that identifies alone.
    if (pii.length === 0 || (pii.length === 1 && !['email', 'phone', 'postal-address', 'us-ssn', 'iban', 'credit-card', 'date-of-birth'].includes(pii[0]!))) return [];
    return [hit(this, `returns personal data to requests without credentials: ${pii.join(', ')}`)];
  },
};
