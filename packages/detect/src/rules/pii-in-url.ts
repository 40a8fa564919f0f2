/**
 * Personal data in the URL (path or query) ends up in access logs, proxy logs,
 * browser history and Referer headers. OWASP API Top 10 2023 has no category
 * for data placement; API8 (Security Misconfiguration) is the closest: the
 * data is exposed by how the API is designed, not by an authorization flaw.
 * (The API3 category is about which object properties a caller may read.)
 */
import type { Rule } from './types.js';
import { describe, hit } from './types.js';
import { isPii } from './util.js';

export const piiInUrl: Rule = {
  id: 'pii-in-url',
  severity: 'medium',
  owasp: 'API8:2023',
  evaluate(ex, matches, ctx) {
    // Client IPs in a query are usually the API's own business (geo lookups); only real personal data counts.
    return matches.filter((m) => (m.location === 'path' || m.location === 'query') && isPii(m.type, ctx) && m.type !== 'ip-address').map((m) => hit(this, describe(m)));
  },
};
