/** Credentials or personal data over plain HTTP outside trusted networks: API8:2023 ("Transport Layer Security (TLS) is missing"). */
import type { Rule } from './types.js';
import { hit } from './types.js';
import { inNetworks, isPii, isSecret } from './util.js';

export const cleartextSensitive: Rule = {
  id: 'cleartext-sensitive',
  severity: 'high',
  owasp: 'API8:2023',
  evaluate(ex, matches, ctx) {
    if (ex.scheme !== 'http' || matches.length === 0) return [];
    if (inNetworks(ex.client?.ip, ctx.trustedNetworks) && inNetworks(ex.server?.ip, ctx.trustedNetworks)) return [];
    // One hit per kind of data; the list after the colon names the types (analysis unions it across exchanges).
    const secrets = [...new Set(matches.filter((m) => isSecret(m.type, ctx)).map((m) => m.type))].sort();
    const pii = [...new Set(matches.filter((m) => isPii(m.type, ctx)).map((m) => m.type))].sort();
    const out = [];
    if (secrets.length) out.push(hit(this, `plain HTTP carries credentials: ${secrets.join(', ')}`, 'high'));
    if (pii.length) out.push(hit(this, `plain HTTP carries personal data: ${pii.join(', ')}`, 'medium'));
    return out;
  },
};
