// Why OpenAPI import reads YAML with js-yaml: parses per second of the demo spec with js-yaml
// (what packages/spec uses) and with `yaml` (what it used before), and whole imports.
// Usage: node bench/spec/yaml-parsers.mjs (after npm run build)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { importSpec } from '../../packages/spec/dist/src/index.js';

const require = createRequire(new URL('../../packages/spec/package.json', import.meta.url));
const jsyaml = require('js-yaml');
const YAML = createRequire(new URL('../../test/package.json', import.meta.url))('yaml');
const file = new URL('../../captures/demo-api/openapi.yaml', import.meta.url);
const text = readFileSync(file, 'utf8');

async function rate(f) {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 1000) {
      await f();
      n++;
    }
    best = Math.max(best, (n * 1000) / (performance.now() - t));
  }
  return best;
}

console.log(`captures/demo-api/openapi.yaml, ${text.length} bytes; best of 3 one-second rounds`);
const js = await rate(() => jsyaml.load(text, { json: true }));
const y = await rate(() => YAML.parseDocument(text, { uniqueKeys: false }).toJS({ maxAliasCount: 1000 }));
console.log(`  js-yaml load            ${js.toFixed(0).padStart(6)} /s`);
console.log(`  yaml parseDocument+toJS ${y.toFixed(0).padStart(6)} /s   (js-yaml ${(js / y).toFixed(1)}×)`);
console.log(`  importSpec (whole)      ${(await rate(() => importSpec(text, 'openapi.yaml'))).toFixed(0).padStart(6)} /s`);
