/**
 * Bursts of failed logins across many user names against one endpoint:
 * API2:2023 Broken Authentication ("permits credential stuffing").
 * Stateful, unlike the other rules: it remembers, per login endpoint, the
 * failed attempts of the last window (user names only as keyed hashes) and
 * fires once per window when both thresholds are crossed. Memory is bounded
 * by the number of endpoints tracked and the attempts kept per window.
 */
import type { Exchange, SensitiveMatch } from '@overhear/model';
import type { RuleHit } from './types.js';

export interface StuffingOptions {
  windowMs: number;
  minFailures: number;
  minUsers: number;
}

export const DEFAULT_STUFFING: StuffingOptions = { windowMs: 10 * 60_000, minFailures: 10, minUsers: 5 };

const MAX_ENDPOINTS = 1000;
const MAX_ATTEMPTS = 10_000;

interface Window {
  attempts: Array<{ t: number; user: string }>;
  /** Window start of the last hit, so one burst fires once. */
  firedAt: number;
}

export class CredentialStuffingDetector {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly opts: StuffingOptions = DEFAULT_STUFFING) {}

  observe(ex: Exchange, matches: readonly SensitiveMatch[]): RuleHit[] {
    const status = ex.response?.status;
    if (status !== 401 && status !== 403 && status !== 400 && status !== 429) return [];
    if (!matches.some((m) => m.location === 'request.body' && m.type === 'password')) return [];
    const user = matches.find((m) => m.location === 'request.body' && (m.type === 'email' || m.type === 'phone'))?.hash ?? usernameHash(matches) ?? 'unknown';
    const key = `${ex.request.host} ${ex.request.method} ${ex.request.path}`;
    let w = this.windows.get(key);
    if (!w) {
      if (this.windows.size >= MAX_ENDPOINTS) return [];
      this.windows.set(key, (w = { attempts: [], firedAt: -Infinity }));
    }
    const t = ex.startedAt;
    w.attempts.push({ t, user });
    while (w.attempts.length && (w.attempts[0]!.t < t - this.opts.windowMs || w.attempts.length > MAX_ATTEMPTS)) w.attempts.shift();
    if (w.attempts.length < this.opts.minFailures || w.firedAt >= t - this.opts.windowMs) return [];
    const users = new Set(w.attempts.map((a) => a.user)).size;
    if (users < this.opts.minUsers) return [];
    w.firedAt = t;
    const minutes = Math.max(1, Math.round((t - w.attempts[0]!.t) / 60_000));
    return [{ rule: 'credential-stuffing', severity: 'high', owasp: 'API2:2023', evidence: `${w.attempts.length} failed logins for ${users} different user names within ${minutes} min` }];
  }
}

function usernameHash(matches: readonly SensitiveMatch[]): string | undefined {
  return matches.find((m) => m.location === 'request.body' && /user|login|account/i.test(m.name))?.hash;
}
