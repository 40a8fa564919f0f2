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
    return [hit(this, `${ex.request.host} receives ${sent.map((m) => `${m.type} (${m.location} ${m.name})`).join(', ')}`)];
  },
};
