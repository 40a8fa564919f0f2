import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@overhear/testkit';
import { fuzz } from '../fuzz/fuzz.js';
import { targets } from '../fuzz/targets.js';

/**
 * The bounded fuzzing run of `npm test`: a few seconds per parser, seeded so a
 * failure reproduces; the long run is `npm run fuzz`. Every input that ever
 * crashed or hung is kept in test/fuzz/regressions/<target>/ and replayed here.
 */
const SECONDS = Number(process.env.OVERHEAR_FUZZ_SECONDS ?? 1.5);

for (const t of targets) {
  test(`fuzz ${t.name}: no crash, no hang, bounded memory`, async () => {
    const r = await fuzz(t.name, { seconds: SECONDS, seed: 20261122 });
    assert.ok(r.execs > 0, 'it ran');
    assert.deepEqual(r.crashes.map((c) => c.error.split('\n')[0]), []);
    assert.equal(r.hangs.length, 0);
    assert.ok(r.peakHeapMb < 512, `peak heap ${r.peakHeapMb} MB`);
  });
}

test('fuzz regressions replay cleanly', async () => {
  const dir = join(repoRoot, 'test/fuzz/regressions');
  let n = 0;
  for (const t of targets) {
    // The detect target reads the same inputs as bodies.
    const d = join(dir, t.name === 'detect' ? 'bodies' : t.name);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.bin'))) {
      await t.run(readFileSync(join(d, f)));
      n++;
    }
  }
  assert.ok(n >= 11, `regression inputs found: ${n}`);
});
