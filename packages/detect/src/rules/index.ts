/**
 * Per-exchange finding rules. Each looks at one exchange and its sensitive
 * matches; aggregates over an endpoint (rates, counts, first/last seen) are
 * the catalog's job.
 *
 * | rule | OWASP API 2023 | default severity |
 * |---|---|---|
 * | pii-in-url | API8 Security Misconfiguration | medium |
 * | secret-in-url | API2 Broken Authentication | high |
 * | cleartext-sensitive | API8 Security Misconfiguration | high (medium for PII only) |
 * | long-lived-session-cookie | API2 Broken Authentication | medium (low for SameSite only) |
 * | secret-in-response | API3 Broken Object Property Level Authorization | high (critical for passwords, private keys) |
 * | pii-to-third-party | API3 Broken Object Property Level Authorization | medium |
 * | verbose-error | API8 Security Misconfiguration | low (medium for SQL errors, debug pages) |
 * | permissive-cors | API8 Security Misconfiguration | high / medium |
 * | weak-jwt | API2 Broken Authentication | medium (critical for alg none) |
 * | unauthenticated-pii | API2 Broken Authentication | high |
 * | unbounded-page-size | API4 Unrestricted Resource Consumption | medium |
 * | ambiguous-request-framing | API8 Security Misconfiguration | high (medium for an invalid Content-Length, or Transfer-Encoding in HTTP/1.0) |
 * | ambiguous-host | API8 Security Misconfiguration | medium |
 *
 * credential-stuffing (API2) is stateful: see CredentialStuffingDetector.
 */
import type { Exchange, SensitiveMatch } from '@overhear/model';
import type { Rule, RuleContext, RuleHit } from './types.js';
import { piiInUrl } from './pii-in-url.js';
import { secretInUrl } from './secret-in-url.js';
import { cleartextSensitive } from './cleartext-sensitive.js';
import { longLivedSessionCookie } from './long-lived-session-cookie.js';
import { secretInResponse } from './secret-in-response.js';
import { piiToThirdParty } from './pii-to-third-party.js';
import { verboseError } from './verbose-error.js';
import { permissiveCors } from './permissive-cors.js';
import { weakJwt } from './weak-jwt.js';
import { unauthenticatedPii } from './unauthenticated-pii.js';
import { unboundedPageSize } from './unbounded-page-size.js';
import { ambiguousRequestFraming } from './ambiguous-request-framing.js';
import { ambiguousHost } from './ambiguous-host.js';

export type { Rule, RuleContext, RuleHit } from './types.js';
import { NO_HITS } from './types.js';
export { DEFAULT_MAX_SESSION_COOKIE_SECONDS } from './long-lived-session-cookie.js';
export { DEFAULT_MAX_JWT_LIFETIME_SECONDS } from './weak-jwt.js';

export { DEFAULT_MAX_PAGE_SIZE } from './unbounded-page-size.js';
export { CredentialStuffingDetector, DEFAULT_STUFFING, type StuffingOptions } from './credential-stuffing.js';

export const RULES: readonly Rule[] = [piiInUrl, secretInUrl, cleartextSensitive, longLivedSessionCookie, secretInResponse, piiToThirdParty, verboseError, permissiveCors, weakJwt, unauthenticatedPii, unboundedPageSize, ambiguousRequestFraming, ambiguousHost];
/** Rules cheap enough to run on every exchange, so that sampling cannot hide what they see. */
export const EVERY_EXCHANGE_RULES: readonly Rule[] = [unboundedPageSize, ambiguousRequestFraming, ambiguousHost];
/** The rest: run on the exchanges analysed in full. */
export const ANALYSIS_RULES: readonly Rule[] = RULES.filter((r) => !EVERY_EXCHANGE_RULES.includes(r));

/** The hits of `rules` on one exchange. Most exchanges have none: then nothing is allocated (the cheap rules run on every exchange). */
export function evaluateRules(ex: Exchange, matches: readonly SensitiveMatch[], ctx: RuleContext = {}, rules: readonly Rule[] = RULES): readonly RuleHit[] {
  let out: RuleHit[] | undefined;
  for (let i = 0; i < rules.length; i++) {
    const hits = rules[i]!.evaluate(ex, matches, ctx);
    if (hits.length === 0) continue;
    out ??= [];
    for (const h of hits) out.push(h);
  }
  return out ?? NO_HITS;
}
