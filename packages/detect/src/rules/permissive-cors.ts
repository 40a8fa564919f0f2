/**
 * CORS that lets any site read responses: API8:2023 ("CORS policy is missing
 * or improperly set"). Flagged: an arbitrary request Origin reflected with
 * credentials allowed (needs first-party domains in the context); "null" allowed; "*" with credentials; "*" on a response
 * that carries personal data or credentials. "*" on public data is fine.
 */
import { headerValue } from '@overhear/model';
import type { Rule } from './types.js';
import { hit } from './types.js';
import { isFirstParty } from './util.js';

export const permissiveCors: Rule = {
  id: 'permissive-cors',
  severity: 'high',
  owasp: 'API8:2023',
  evaluate(ex, matches, ctx) {
    if (!ex.response) return [];
    const acao = headerValue(ex.response.headers, 'access-control-allow-origin')?.trim();
    if (!acao) return [];
    const creds = headerValue(ex.response.headers, 'access-control-allow-credentials')?.trim().toLowerCase() === 'true';
    const origin = headerValue(ex.request.headers, 'origin');
    if (acao === 'null') return [hit(this, `Access-Control-Allow-Origin: null${creds ? ' with credentials' : ''}`, creds ? 'high' : 'medium')];
    if (acao === '*') {
      if (creds) return [hit(this, 'Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true', 'medium')];
      const sensitive = [...new Set(matches.filter((m) => m.location.startsWith('response')).map((m) => m.type))];
      return sensitive.length ? [hit(this, `Access-Control-Allow-Origin: * on a response carrying ${sensitive.sort().join(', ')}`, 'medium')] : [];
    }
    if (origin && acao === origin && creds) {
      let host = '';
      try {
        host = new URL(origin).hostname;
      } catch {
        /* not a URL: still reflected */
      }
      // Reflection of the site's own front end is normal; without first-party domains there is no telling.
      if (ctx.firstPartyDomains?.length && !isFirstParty(host, ctx)) return [hit(this, `any request Origin is reflected with credentials allowed (e.g. ${host || origin})`)];
    }
    return [];
  },
};
