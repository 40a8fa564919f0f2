#!/usr/bin/env node
// Runs every compiled test file of every workspace in one `node --test` run,
// so the whole suite ends with one summary. `turbo run build` compiles them first.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = [];
for (const group of ['packages', '.']) {
  const base = join(root, group);
  const dirs = group === '.' ? ['test', 'captures/demo-api'] : readdirSync(base);
  for (const d of dirs) {
    const t = join(base, d, 'dist', d === 'test' ? 'src' : 'test');
    if (existsSync(t)) roots.push(t);
  }
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
roots.forEach(walk);
const filters = process.argv.slice(2);
const chosen = files.filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s))).sort();
if (chosen.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...chosen], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
