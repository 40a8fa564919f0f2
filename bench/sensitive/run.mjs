#!/usr/bin/env node
// Sensitive-data detection: precision/recall/F1 per type on overhear's own
// labelled set and on the public labelled sets in ../shared/corpora/sensitive
// (read in place, never copied), plus scanning throughput.
// Usage: npx tsc -b packages/detect && node bench/sensitive/run.mjs [--errors] [--no-corpora] [--seconds N]
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(new URL('../..', import.meta.url).pathname);
const detect = await import(join(root, 'packages/detect/dist/src/index.js'));
const { classifyValue, findInText, createScanner, createRedactor, isPublicIp, PII_TYPES, SECRET_TYPES } = detect;
const args = process.argv.slice(2);
const showErrors = args.includes('--errors');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 3;
const corporaDir = process.env.OVERHEAR_CORPORA ?? resolve(root, '..', 'shared', 'corpora');
const sensDir = join(corporaDir, 'sensitive');

const redactor = createRedactor(new Uint8Array(32).fill(1));
const scanner = createScanner({ redactor });
const ALL = [...PII_TYPES, ...SECRET_TYPES];

// ---------- scoring helpers
function newScore() {
  return Object.fromEntries(ALL.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
}
function tally(score, label, predicted, errors, what) {
  // label: type|null; predicted: Set of types
  for (const t of ALL) {
    const L = label === t;
    const P = predicted.has(t);
    if (L && P) score[t].tp++;
    else if (L) { score[t].fn++; errors?.push(`FN ${t.padEnd(15)} got ${[...predicted].join(',') || '-'}  ${what}`); }
    else if (P) { score[t].fp++; errors?.push(`FP ${t.padEnd(15)} want ${label ?? '-'}  ${what}`); }
  }
}
const prf = ({ tp, fp, fn }) => {
  const p = tp + fp ? tp / (tp + fp) : NaN;
  const r = tp + fn ? tp / (tp + fn) : NaN;
  const f = p + r ? (2 * p * r) / (p + r) : NaN;
  return { p, r, f, n: tp + fn };
};
const fmt = (x) => (Number.isNaN(x) ? '  – ' : x.toFixed(2));

// ---------- our labelled set
const labelledDir = join(root, 'packages/detect/test/labelled');
const ours = newScore();
const ourErrors = [];
let ourCases = 0;
for (const f of readdirSync(labelledDir).filter((f) => f.endsWith('.json')).sort()) {
  const { cases } = JSON.parse(readFileSync(join(labelledDir, f), 'utf8'));
  for (const c of cases) {
    ourCases++;
    let predicted;
    if (c.json !== undefined) {
      const body = Buffer.from(JSON.stringify(c.json));
      const ex = { source: 'har', startedAt: 0, scheme: 'https', request: { method: 'GET', host: 'x', path: '/', query: [], httpVersion: 'HTTP/1.1', headers: [] }, response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [['content-type', 'application/json']], body: { bytes: body, length: body.length, truncated: false } } };
      predicted = new Set(scanner(ex).map((m) => m.type));
    } else {
      const t = classifyValue(c.value, { ...(c.name !== undefined && { name: c.name }), ...(c.parent !== undefined && { parent: c.parent }) });
      predicted = new Set(t ? [t] : []);
    }
    tally(ours, c.expect, predicted, ourErrors, `${f}: ${JSON.stringify(c.value ?? c.json).slice(0, 90)}${c.name ? ` (name ${c.name}${c.parent ? ` in ${c.parent}` : ''})` : ''}`);
  }
}

// ---------- public corpora
const corpusScores = {}; // source -> type -> {tp,fp,fn}
const corpusNotes = [];
const corpusErrors = [];
function cs(source, type) {
  corpusScores[source] ??= {};
  return (corpusScores[source][type] ??= { tp: 0, fp: 0, fn: 0 });
}
function count(source, type, label, predicted, what) {
  const s = cs(source, type);
  if (label && predicted) s.tp++;
  else if (label) { s.fn++; corpusErrors.push(`${source} FN ${type}: ${what}`); }
  else if (predicted) { s.fp++; corpusErrors.push(`${source} FP ${type}: ${what}`); }
}
const textTypes = (text) => new Set(findInText(text).map((m) => m.type));
const spanTypes = (text) => findInText(text).map((m) => ({ type: m.type, text: text.slice(m.start, m.end) }));

if (!args.includes('--no-corpora') && existsSync(sensDir)) {
  // Presidio recognizer tests: each text labelled with expected spans of one entity.
  const presidioMap = { CREDIT_CARD: 'credit-card', EMAIL_ADDRESS: 'email', IP_ADDRESS: 'ip-address', PHONE_NUMBER: 'phone', US_SSN: 'us-ssn', IBAN_CODE: 'iban' };
  const pr = JSON.parse(readFileSync(join(sensDir, 'presidio/recognizer_test_cases.json'), 'utf8'));
  for (const [file, { entities, cases }] of Object.entries(pr)) {
    for (const c of cases) {
      const ents = c.entities?.length ? c.entities : entities;
      const ent = ents?.[0];
      const type = presidioMap[ent];
      if (!type || typeof c.text !== 'string') continue;
      const got = spanTypes(c.text).filter((m) => m.type === type);
      const expected = c.expected_spans_text ?? [];
      // A case counts as found when every expected span is covered by a match of the type.
      if (c.positive) count('presidio', type, true, expected.length ? expected.every((e) => got.some((g) => g.text.includes(e) || e.includes(g.text))) : got.length > 0, `${file} ${JSON.stringify(c.text)}`);
      else count('presidio', type, false, got.length > 0, `${file} ${JSON.stringify(c.text)}`);
    }
  }
  // Akto sub-type cases: value → expected type (GENERIC/INTEGER_64 are negatives).
  const aktoMap = { CREDIT_CARD: 'credit-card', PHONE_NUMBER: 'phone', IP_ADDRESS: 'ip-address', JWT: 'jwt' };
  const akto = JSON.parse(readFileSync(join(sensDir, 'akto_subtype_test_cases.json'), 'utf8'));
  for (const c of akto) {
    const got = c.as_number && /^\d+$/.test(c.value) ? classifyValue(c.value, { name: 'value', fromNumber: true }) : classifyValue(c.value);
    for (const t of new Set(Object.values(aktoMap))) {
      const label = aktoMap[c.expected_subtype] === t;
      if (label || got === t) count('akto', t, label, got === t, JSON.stringify(c.value).slice(0, 80));
    }
    for (const t of Object.values(aktoMap)) cs('akto', t);
  }
  // detect-secrets plugin tests: `payload|line` with should_flag.
  const ds = JSON.parse(readFileSync(join(sensDir, 'detect-secrets/plugin_test_cases.json'), 'utf8'));
  const dsMap = { 'aws_key_test.py': 'aws-access-key', 'basic_auth_test.py': 'basic-auth', 'github_token_test.py': 'github-token', 'ip_public_test.py': 'ip-address', 'jwt_test.py': 'jwt', 'mailchimp_key_test.py': 'mailchimp-key', 'private_key_test.py': 'private-key', 'sendgrid_test.py': 'sendgrid-key', 'slack_test.py': 'slack-token', 'stripe_key_test.py': 'stripe-key', 'twilio_test.py': 'twilio-key', 'openai_test.py': 'openai-key' };
  for (const [file, type] of Object.entries(dsMap)) {
    for (const c of ds[file]?.cases ?? []) {
      const text = c.payload ?? c.line ?? c.file_content;
      if (typeof text !== 'string' || (c.should_flag === undefined && c.file_content === undefined && file !== 'slack_test.py')) continue;
      // aws_key_test also holds secret-access-key lines (40-char secrets), which overhear reports only under a secret name.
      if (file === 'aws_key_test.py' && !/^A/.test(text)) continue;
      const label = c.should_flag ?? true;
      const found = spanTypes(text).filter((m) => m.type === type && (type !== 'ip-address' || isPublicIp(m.text.replace(/:\d+$/, ''))));
      count('detect-secrets', type, label, found.length > 0, `${file} ${JSON.stringify(text).slice(0, 100)}`);
    }
  }
  // detect-secrets keyword tests: secret assigned to a password/secret/key name (expected_secret null = negative).
  for (const c of ds['keyword_test.py']?.cases ?? []) {
    if (typeof c.line !== 'string') continue;
    const found = findInText(c.line).filter((m) => m.type === 'password' || m.type === 'generic-secret');
    const label = c.expected_secret !== null && c.expected_secret !== undefined;
    count('detect-secrets', 'password|generic-secret (keyword)', label, found.length > 0, JSON.stringify(c.line).slice(0, 100));
  }
  // gitleaks literal samples for rules matching overhear types.
  const gl = JSON.parse(readFileSync(join(sensDir, 'gitleaks/rules_with_examples.json'), 'utf8'));
  const glMap = { 'aws-access-token': 'aws-access-key', 'gcp-api-key': 'google-api-key', 'github-pat': 'github-token', 'github-oauth': 'github-token', 'github-fine-grained-pat': 'github-token', jwt: 'jwt', 'mailchimp-api-key': 'mailchimp-key', 'private-key': 'private-key', 'slack-bot-token': 'slack-token', 'slack-user-token': 'slack-token', 'slack-app-token': 'slack-token', 'slack-legacy-token': 'slack-token', 'slack-legacy-bot-token': 'slack-token', 'slack-legacy-workspace-token': 'slack-token', 'slack-webhook-url': 'slack-token', 'stripe-access-token': 'stripe-key', 'openai-api-key': 'openai-key', 'curl-auth-header': 'bearer-token|basic-auth|jwt' };
  for (const r of gl.rules) {
    const type = glMap[r.rule_id];
    if (!type) continue;
    const types = type.split('|');
    const samples = [...r.true_positives.map((t) => [t.text, true]), ...r.true_positive_secrets_wrapped_by_generator.map((t) => [t.text, true]), ...r.false_positives.map((t) => [t.text, false])];
    for (const [text, label] of samples) {
      const got = textTypes(text);
      count('gitleaks', type, label, types.some((t) => got.has(t)), `${r.rule_id} ${JSON.stringify(text).slice(0, 100)}`);
    }
  }
  // presidio-research synthetic sentences: sentence-level detection of the entity types overhear covers.
  const synthMap = { EMAIL_ADDRESS: 'email', CREDIT_CARD: 'credit-card', IBAN_CODE: 'iban', US_SSN: 'us-ssn', IP_ADDRESS: 'ip-address', PHONE_NUMBER: 'phone' };
  const synth = JSON.parse(readFileSync(join(sensDir, 'presidio/presidio-research_synth_dataset_v2.json'), 'utf8'));
  for (const s of synth) {
    const got = spanTypes(s.full_text);
    for (const [ent, type] of Object.entries(synthMap)) {
      const want = s.spans.filter((x) => x.entity_type === ent).map((x) => x.entity_value);
      const have = got.filter((g) => g.type === type);
      if (want.length) count('presidio-synth', type, true, want.every((w) => have.some((h) => w.includes(h.text) || h.text.includes(w))), JSON.stringify(s.full_text).slice(0, 120));
      else if (have.length) count('presidio-synth', type, false, true, `${JSON.stringify(s.full_text).slice(0, 120)} → ${have.map((h) => h.text).join(', ')}`);
    }
  }
} else corpusNotes.push(existsSync(sensDir) ? 'public sets skipped (--no-corpora)' : `corpora not found at ${sensDir}: public sets skipped`);

// ---------- throughput on ~1 KB JSON bodies
// Two runs: "recurring" cycles 512 exchanges, so tokens, cookies and customers recur as they do
// within sessions (the per-value memos hit); "distinct" gives every exchange its own email, phone,
// name, JWT and session cookie (every memo misses): the worst case.
const first = ['Jane', 'John', 'Amélie', 'Søren', 'Priya', 'Wei', 'Olga', 'Kwame'];
function b64u(o) { return Buffer.from(JSON.stringify(o)).toString('base64url'); }
function makeExchange(i) {
  const body = {
    id: 100000 + i,
    orderNumber: `ORD-2026-${String(i).padStart(6, '0')}`,
    createdAt: '2026-11-22T10:15:30.123Z',
    status: 'shipped',
    customer: { id: `c_${(i * 7919).toString(36)}`, name: `${first[i % 8]} Doe${i}`, email: `jane.doe${i}@example.com`, phone: `+44 20 7946 ${String(i % 10000).padStart(4, '0')}`, tier: 'gold' },
    shipping: { address: `${1 + (i % 300)} Baker Street, London NW1 6XE`, method: 'express', eta: '2026-11-25' },
    items: Array.from({ length: 5 }, (_, k) => ({ sku: `SKU-${1000 + k}`, name: `Widget ${k}`, qty: k + 1, price: 9.99 + k, currency: 'EUR' })),
    payment: { method: 'card', last4: '4242', amount: 129.95, currency: 'EUR', reference: '550e8400-e29b-41d4-a716-446655440000' },
    tracking: { carrier: 'DHL', code: `JD01460000${String(i).padStart(8, '0')}`, url: 'https://track.example.com/JD014600' },
    meta: { requestId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', version: '2.14.3', region: 'eu-west-1' },
  };
  const bytes = Buffer.from(JSON.stringify(body));
  const jwt = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u({ sub: String(i), iat: 1795000000 + i, exp: 1795003600 + i })}.${Buffer.from(String(i * 31337)).toString('base64url')}SflKxwRJSMeKKF2QT4fwpMeJf36P`;
  return {
    source: 'har', startedAt: 1795000000000 + i, scheme: 'https',
    request: { method: 'GET', host: 'shop.example.com', path: `/api/v1/orders/${100000 + i}`, query: [['expand', 'items'], ['page', '1']], httpVersion: 'HTTP/1.1', headers: [['host', 'shop.example.com'], ['accept', 'application/json'], ['user-agent', 'bench/1.0'], ['authorization', `Bearer ${jwt}`], ['cookie', `sid=${Buffer.from(`s${i}-a1B2c3D4e5F6g7H8`).toString('base64url')}; theme=dark`]] },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [['content-type', 'application/json; charset=utf-8'], ['content-length', String(bytes.length)], ['cache-control', 'no-store']], body: { bytes, length: bytes.length, truncated: false } },
  };
}
function timeRun(exchanges, scan, loop) {
  for (let i = 0; i < Math.min(20000, exchanges.length); i++) scan(exchanges[i % exchanges.length]);
  let n = 0;
  let matches = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until && (loop || n < exchanges.length)) {
    for (let k = 0; k < 1000; k++) matches += scan(exchanges[n++ % exchanges.length]).length;
  }
  return { perSec: n / ((performance.now() - t0) / 1000), matchesPer: matches / n };
}
const pool = Array.from({ length: 512 }, (_, i) => makeExchange(i));
const avgBody = pool.reduce((a, e) => a + e.response.body.bytes.length, 0) / pool.length;
const recurring = timeRun(pool, scanner, true);
const distinctSet = Array.from({ length: 20000 + Math.ceil(seconds * 80000) }, (_, i) => makeExchange(1000 + i));
const distinct = timeRun(distinctSet.slice(20000), createScanner({ redactor: createRedactor(new Uint8Array(32).fill(2)) }), false);
const perSec = recurring.perSec;
const matches = recurring.matchesPer;
const n = 1;

// ---------- report
const out = [];
out.push(`overhear sensitive-data bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
out.push(`own labelled set: ${ourCases} cases in packages/detect/test/labelled/`);
out.push('');
const sources = Object.keys(corpusScores);
const header = ['type'.padEnd(16), 'ours P', '  R ', '  F1', '   n', ...sources.map((s) => `| ${s} P/R (n)`.padEnd(26))].join(' ');
out.push(header);
out.push('-'.repeat(header.length));
const corpusTypeKeys = new Set(sources.flatMap((s) => Object.keys(corpusScores[s])));
for (const t of [...ALL, ...[...corpusTypeKeys].filter((k) => !ALL.includes(k))]) {
  const o = ours[t] ? prf(ours[t]) : { p: NaN, r: NaN, f: NaN, n: 0 };
  const cols = sources.map((s) => {
    const c = corpusScores[s][t];
    if (!c) return '|'.padEnd(26);
    const x = prf(c);
    return `| ${fmt(x.p)}/${fmt(x.r)} (${c.tp + c.fn}+/${c.fp + (c.tn ?? 0)}fp)`.padEnd(26);
  });
  out.push([t.padEnd(16), ` ${fmt(o.p)} `, fmt(o.r), fmt(o.f), String(o.n).padStart(4), ...cols].join(' '));
}
out.push('');
out.push(`throughput, one core, ${avgBody.toFixed(0)}-byte JSON response + request with bearer JWT and session cookie, ${recurring.matchesPer.toFixed(1)} matches/exchange:`);
out.push(`  values recurring (512-exchange cycle): ${Math.round(recurring.perSec).toLocaleString('en-US')} exchanges/s (${((recurring.perSec * avgBody) / 1e6).toFixed(1)} MB/s of body)`);
out.push(`  every value distinct (memos miss):     ${Math.round(distinct.perSec).toLocaleString('en-US')} exchanges/s (${((distinct.perSec * avgBody) / 1e6).toFixed(1)} MB/s of body)`);
for (const note of corpusNotes) out.push(note);
console.log(out.join('\n'));
if (showErrors) {
  console.log('\n--- errors on own set');
  console.log(ourErrors.join('\n') || '(none)');
  console.log('\n--- errors on corpora');
  console.log(corpusErrors.join('\n') || '(none)');
}
