import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '@overhear/model';
import { classifyValue, createRedactor, createScanner, PII_TYPES, SECRET_TYPES } from '../src/index.js';

// Compiled to dist/test/: the labelled set stays in test/labelled/.
const dir = fileURLToPath(new URL('../../test/labelled/', import.meta.url));
const scanner = createScanner({ redactor: createRedactor(new Uint8Array(16).fill(3)) });

interface Case { value?: string; json?: unknown; name?: string; parent?: string; expect: string | null }

test('own labelled set: precision and recall ≥ 0.97 for every type', () => {
  const score = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const t of [...PII_TYPES, ...SECRET_TYPES]) score.set(t, { tp: 0, fp: 0, fn: 0 });
  let cases = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const c of (JSON.parse(readFileSync(dir + f, 'utf8')) as { cases: Case[] }).cases) {
      cases++;
      let got: Set<string>;
      if (c.json !== undefined) {
        const bytes = Buffer.from(JSON.stringify(c.json));
        const ex = { source: 'har', startedAt: 0, scheme: 'https', request: { method: 'GET', host: 'x', path: '/', query: [], httpVersion: 'HTTP/1.1', headers: [] }, response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [['content-type', 'application/json']], body: { bytes, length: bytes.length, truncated: false } } } as Exchange;
        got = new Set(scanner(ex).map((m) => m.type));
      } else {
        const t = classifyValue(c.value!, { ...(c.name !== undefined && { name: c.name }), ...(c.parent !== undefined && { parent: c.parent }) });
        got = new Set(t ? [t] : []);
      }
      for (const [t, s] of score) {
        if (c.expect === t && got.has(t)) s.tp++;
        else if (c.expect === t) s.fn++;
        else if (got.has(t)) s.fp++;
      }
    }
  }
  assert.ok(cases > 1500, `labelled set has ${cases} cases`);
  for (const [t, { tp, fp, fn }] of score) {
    assert.ok(tp + fn >= 40, `${t}: only ${tp + fn} positives`);
    assert.ok(tp / (tp + fp) >= 0.97, `${t}: precision ${tp}/${tp + fp}`);
    assert.ok(tp / (tp + fn) >= 0.97, `${t}: recall ${tp}/${tp + fn}`);
  }
});
