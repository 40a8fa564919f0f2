import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskScore } from '../src/index.js';

test('risk: findings, data and exposure, capped at 100', () => {
  const none = { findings: [], sensitive: [], unauthenticatedHits: 0, state: 'documented' };
  assert.equal(riskScore(none), 0);
  const medium = { ...none, findings: [{ severity: 'medium' as const }] };
  assert.equal(riskScore(medium), 5);
  // The same data exposed without credentials on an unowned (shadow) endpoint weighs more.
  const pii = { ...medium, sensitive: [{ type: 'email', location: 'response.body' }, { type: 'phone', location: 'response.body' }] };
  assert.equal(riskScore(pii), 13);
  assert.equal(riskScore({ ...pii, unauthenticatedHits: 3 }), 20);
  assert.equal(riskScore({ ...pii, unauthenticatedHits: 3, state: 'shadow' }), 24);
  // Personal data in requests is not "returned"; a credential anywhere counts.
  assert.equal(riskScore({ ...none, sensitive: [{ type: 'email', location: 'request.body' }] }), 0);
  assert.equal(riskScore({ ...none, sensitive: [{ type: 'stripe-key', location: 'response.body' }] }), 8);
  const worst = { findings: Array.from({ length: 6 }, () => ({ severity: 'critical' as const })), sensitive: [], unauthenticatedHits: 1, state: 'shadow' };
  assert.equal(riskScore(worst), 100);
});
