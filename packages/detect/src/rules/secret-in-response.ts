/**
 * Credentials in a response: an API that returns passwords, private keys or
 * cloud/SaaS keys exposes object properties the caller should never read
 * (API3:2023). Tokens a login is meant to return (JWTs, bearer/session tokens,
 * generic tokens) are left out.
 */
import type { Rule } from './types.js';
import { describe, hit } from './types.js';
import { isSecret } from './util.js';

const issuedToCaller = new Set(['jwt', 'bearer-token', 'session-token', 'generic-secret']);

export const secretInResponse: Rule = {
  id: 'secret-in-response',
  severity: 'high',
  owasp: 'API3:2023',
  evaluate(ex, matches, ctx) {
    return matches
      .filter((m) => (m.location === 'response.body' || m.location === 'response.header') && isSecret(m.type, ctx) && !issuedToCaller.has(m.type))
      .map((m) => hit(this, describe(m), m.type === 'private-key' || m.type === 'password' ? 'critical' : 'high'));
  },
};
