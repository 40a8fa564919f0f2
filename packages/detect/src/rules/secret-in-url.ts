/** Credentials in the URL: API2:2023 lists "sends sensitive authentication details, such as auth tokens and passwords in the URL". */
import type { Rule } from './types.js';
import { describe, hit } from './types.js';
import { isSecret } from './util.js';

export const secretInUrl: Rule = {
  id: 'secret-in-url',
  severity: 'high',
  owasp: 'API2:2023',
  evaluate(ex, matches, ctx) {
    return matches.filter((m) => (m.location === 'path' || m.location === 'query') && isSecret(m.type, ctx)).map((m) => hit(this, describe(m)));
  },
};
