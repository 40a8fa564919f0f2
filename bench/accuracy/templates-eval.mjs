#!/usr/bin/env node
// Endpoint accuracy of the path templater alone (no catalog, no schemas): a quick loop for
// templating rules. Same traffic and scoring as run.mjs's endpoint columns; the templater is
// fed like the Analyzer feeds it (one settle at the end, merges applied to what was filed).
// Usage: npx tsc -b packages/infer && node bench/accuracy/templates-eval.mjs [--only id,id] [--misses]
import { PathTemplater } from '@overhear/infer';
import { loadSpec, generateHar, normTemplate } from './generate.mjs';
import { SPECS } from './specs.mjs';


const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const only = opt('--only', '');
const MISSES = args.includes('--misses');
const MAXM = Number(opt("--max", 40));
const ids = only ? only.split(',') : SPECS;

const fmt = (x) => x.toFixed(3);
let TP = 0;
let NP = 0;
let NT = 0;
const rows = [];
for (const id of ids) {
  const spec = loadSpec(id);
  const { har, truth } = generateHar(spec, id, { samples: 6 });
  const t = new PathTemplater();
  const filed = new Map(); // host \0 method \0 template → true
  const apply = () => {
    for (const m of t.takeMerges()) {
      const from = new Set(m.from);
      for (const k of [...filed.keys()]) {
        const [host, method, path] = k.split('\u0000');
        if (host !== m.host || !from.has(path)) continue;
        filed.delete(k);
        filed.set(`${host}\u0000${method}\u0000${m.into}`, true);
      }
    }
  };
  for (const e of har.log.entries) {
    const u = new URL(e.request.url);
    let body;
    try {
      body = e.response.content.text ? JSON.parse(e.response.content.text) : undefined;
    } catch {}
    const r = t.template(u.host, u.pathname, { method: e.request.method, status: e.response.status, body });
    if (t.hasMerges) apply();
    filed.set(`${u.host}\u0000${e.request.method}\u0000${r.template}`, true);
  }
  t.settle();
  apply();
  const pred = new Set([...filed.keys()].map((k) => {
    const [, method, path] = k.split('\u0000');
    return normTemplate(method, path);
  }));
  let tp = 0;
  const fp = [];
  const fn = [];
  for (const k of pred) (truth.has(k) ? tp++ : fp.push(k));
  for (const k of truth.keys()) if (!pred.has(k)) fn.push(k);
  TP += tp;
  NP += pred.size;
  NT += truth.size;
  const p = pred.size ? tp / pred.size : 1;
  const r = truth.size ? tp / truth.size : 1;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  rows.push(f);
  console.log(`${id.padEnd(26)} ${String(truth.size).padStart(5)}  P ${fmt(p)}  R ${fmt(r)}  F1 ${fmt(f)}`);
  if (MISSES) {
    for (const k of fp.slice(0, MAXM)) console.log(`    extra   ${k}`);
    for (const k of fn.slice(0, MAXM)) console.log(`    missing ${k}`);
  }
}
const p = NP ? TP / NP : 1;
const r = NT ? TP / NT : 1;
console.log(`${'OVERALL'.padEnd(26)} ${String(NT).padStart(5)}  P ${fmt(p)}  R ${fmt(r)}  F1 ${fmt((2 * p * r) / (p + r))}  worst ${fmt(Math.min(...rows))}`);
