import type { Exchange, SensitiveMatch, Severity } from '@overhear/model';

export interface RuleContext {
  /** CIDRs whose traffic may be cleartext (e.g. "10.0.0.0/8", "fd00::/8"). Default: none. */
  trustedNetworks?: readonly string[];
  /** Domains that are ours; a host equal to or under one is first-party. Default: none (every host is first-party). */
  firstPartyDomains?: readonly string[];
  /** Longest acceptable session-cookie lifetime, seconds. Default 8 h (OWASP Session Management: absolute timeout 4–8 h). */
  maxSessionCookieSeconds?: number;
  /** Longest acceptable JWT lifetime (exp − iat, or exp − now), seconds. Default 24 h. */
  maxJwtLifetimeSeconds?: number;
  /** Custom types that are credentials rather than personal data. */
  secretCustomTypes?: readonly string[];
  /** Largest page size (limit, per_page…) that is not "unbounded". Default 100. */
  maxPageSize?: number;
}

export interface RuleHit {
  rule: string;
  severity: Severity;
  owasp: string;
  /** Names, types and masked previews only: never a raw value. */
  evidence: string;
}

/** What a rule returns when it has nothing to say (shared: no allocation per exchange). */
export const NO_HITS: readonly RuleHit[] = Object.freeze([]);

export interface Rule {
  id: string;
  /** The usual severity; a hit may carry another (e.g. "alg none" is critical). */
  severity: Severity;
  owasp: string;
  evaluate(ex: Exchange, matches: readonly SensitiveMatch[], ctx: RuleContext): readonly RuleHit[];
}

export function hit(rule: Rule, evidence: string, severity: Severity = rule.severity): RuleHit {
  return { rule: rule.id, severity, owasp: rule.owasp, evidence };
}

export function describe(m: SensitiveMatch): string {
  return `${m.type} in ${m.location} ${m.name} (${m.preview})`;
}

/**
 * A rule over a fact the capture reader recorded on the request (how its
 * length or host was stated): one field read, so cheap enough for every
 * exchange. `what` gives each value its evidence and severity.
 */
export function markRule<K extends string>(
  id: string,
  severity: Severity,
  owasp: string,
  read: (ex: Exchange) => K | undefined,
  what: Record<K, { evidence: string; severity: Severity }>,
): Rule {
  const rule: Rule = {
    id,
    severity,
    owasp,
    evaluate(ex) {
      const k = read(ex);
      const w = k === undefined ? undefined : what[k];
      return w ? [hit(rule, w.evidence, w.severity)] : NO_HITS;
    },
  };
  return rule;
}
