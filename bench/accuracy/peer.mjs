// Runs har-to-openapi on one HAR in its own process (so the bench can bound its time) and
// writes what it inferred: { "METHOD /path": { status: [field paths] } } in overhear's notation.
import { readFileSync, writeFileSync } from 'node:fs';
import { generateSpec } from 'har-to-openapi';
import { normTemplate } from './generate.mjs';
import { schemaFields } from './fields.mjs';

const [, , harFile, outFile] = process.argv;
const har = JSON.parse(readFileSync(harFile, 'utf8'));
const { spec } = await generateSpec(har, { attemptToParameterizeUrl: true, relaxedMethods: false, guessAuthenticationHeaders: true });
let base = '';
try {
  base = new URL(spec.servers?.[0]?.url ?? '/', 'https://x').pathname.replace(/\/+$/, '');
} catch {
  /* no base */
}
const out = {};
for (const [p, item] of Object.entries(spec.paths ?? {})) {
  for (const [m, op] of Object.entries(item)) {
    if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
    const byStatus = {};
    for (const [st, r] of Object.entries(op.responses ?? {})) {
      for (const [mt, c] of Object.entries(r.content ?? {})) if (/json/.test(mt) && c.schema) byStatus[st] = [...schemaFields(c.schema, spec)];
    }
    out[normTemplate(m, base + p)] = byStatus;
  }
}
writeFileSync(outFile, JSON.stringify(out));
