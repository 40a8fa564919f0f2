// Prints the merges the templater decides on one HAR: node bench/accuracy/debug-templates.mjs FILE.har [filter]
import { readFileSync } from 'node:fs';
import { PathTemplater } from '@overhear/infer';
const har = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const t = new PathTemplater();
const filter = process.argv[3] ?? '';
for (const e of har.log.entries) {
  const u = new URL(e.request.url);
  let body;
  try { body = e.response.content.text ? JSON.parse(e.response.content.text) : undefined; } catch {}
  t.template(u.host, u.pathname, { method: e.request.method, status: e.response.status, body });
}
t.settle();
for (const m of t.takeMerges()) if (m.into.includes(filter)) console.log(m.into, '<=', m.from.slice(0, 4).join(' '), m.from.length);
