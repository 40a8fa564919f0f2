import type { Severity } from '@overhear/model';
import { isPiiType, isSecretType } from './types.js';

/**
 * Risk score of an endpoint, 0–100 (README "Risk score"):
 *
 *   findings = Σ over its distinct findings of the severity weight
 *              (critical 30, high 12, medium 5, low 2, info 0.5)
 *   data     = 4 × distinct personal-data types it returns
 *            + 8 × distinct credential types it carries anywhere, at most 30
 *   exposure = 1.5 when it answers requests without credentials,
 *              × 1.25 when it is shadow or deprecated (nobody owns it)
 *   risk     = min(100, round((findings + data) × exposure))
 *
 * A host's risk is its riskiest endpoint's.
 */
export interface RiskInput {
  findings: Array<{ severity: Severity }>;
  sensitive: Array<{ type: string; location: string }>;
  unauthenticatedHits: number;
  state: string;
}

const WEIGHT: Record<Severity, number> = { critical: 30, high: 12, medium: 5, low: 2, info: 0.5 };

export function riskScore(e: RiskInput): number {
  const findings = e.findings.reduce((a, f) => a + WEIGHT[f.severity], 0);
  const pii = new Set(e.sensitive.filter((s) => s.location.startsWith('response') && isPiiType(s.type)).map((s) => s.type)).size;
  const secrets = new Set(e.sensitive.filter((s) => isSecretType(s.type)).map((s) => s.type)).size;
  const data = Math.min(30, 4 * pii + 8 * secrets);
  let exposure = e.unauthenticatedHits > 0 ? 1.5 : 1;
  if (e.state === 'shadow' || e.state === 'deprecated') exposure *= 1.25;
  return Math.min(100, Math.round((findings + data) * exposure));
}
