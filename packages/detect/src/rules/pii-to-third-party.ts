/**
 * Personal data sent to a host outside the first-party domains. No OWASP API
 * 2023 category is about data flows; API3:2023 is the closest (object
 * properties reaching a party that should not read them).
 */
import type { Rule } from './types.js';
import { hit } from './types.js';
import { isFirstParty, isPii } from './util.js';

export const piiToThirdParty: Rule = {
  id: 'pii-to-third-party',
  severity: 'medium',
  owasp: 'API3:2023',
  evaluate(ex, matches, ctx) {
    if (!ctx.firstPartyDomains?.length || isFirstParty(ex.request.host, ctx)) return [];
    const sent = matches.filter((m) => !m.location.startsWith('response') && isPii(m.type, ctx) && m.type !== 'ip-address');
    if (sent.length === 0) return [];
    // "…: a, b" lists types, which analysis unites across exchanges into one finding per endpoint.
    return [hit(this, `third party ${ex.request.host} receives personal data: ${[...new Set(sent.map((m) => m.type))].sort().join(', ')}`)];
  },
};
