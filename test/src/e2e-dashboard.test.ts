/**
 * Runs the dashboard's Playwright tests (test/e2e, compiled to test/dist/e2e)
 * inside `npm test`'s single node:test run: each Playwright test becomes a
 * subtest here, so the one closing summary counts them and a failure fails
 * the run. Chromium is Debian's (/usr/bin/chromium, installed by
 * scripts/system-deps.sh); nothing is downloaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot, tempDir } from '@overhear/testkit';

interface PwResult {
  status: string;
  duration: number;
  error?: { message?: string; stack?: string; snippet?: string; location?: { file: string; line: number } };
  errors?: Array<{ message?: string }>;
}
interface PwSpec {
  title: string;
  file: string;
  line: number;
  tests: Array<{ results: PwResult[]; status: string }>;
}
interface PwSuite {
  title: string;
  specs?: PwSpec[];
  suites?: PwSuite[];
}

const chromium = process.env.OVERHEAR_CHROMIUM ?? '/usr/bin/chromium';
const config = join(repoRoot, 'test', 'dist', 'e2e', 'playwright.config.js');
const webIndex = join(repoRoot, 'web', 'dist', 'index.html');

function specsOf(s: PwSuite, out: PwSpec[] = []): PwSpec[] {
  for (const sp of s.specs ?? []) out.push(sp);
  for (const child of s.suites ?? []) specsOf(child, out);
  return out;
}

test('dashboard end-to-end (Playwright, chromium)', { timeout: 15 * 60_000 }, async (t) => {
  assert.ok(existsSync(chromium), `chromium is missing at ${chromium}: run \`bash scripts/system-deps.sh\` (as root) or \`apt-get install -y chromium\``);
  assert.ok(existsSync(webIndex), 'web/dist is missing: run `npm run build` first');
  const cli = join(createRequire(import.meta.url).resolve('@playwright/test/package.json'), '..', 'cli.js');
  const { dir, cleanup } = tempDir('overhear-pw-');
  try {
    const report = join(dir, 'report.json');
    const child = spawn(process.execPath, [cli, 'test', '-c', config, '--reporter=json'], {
      cwd: repoRoot,
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout!.resume();
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
    assert.ok(existsSync(report), `Playwright wrote no report (exit ${code}): ${stderr.slice(-4000)}`);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { suites: PwSuite[]; errors?: Array<{ message?: string }> };
    assert.deepEqual((json.errors ?? []).map((e) => e.message), [], 'Playwright reported errors outside tests');
    const specs = json.suites.flatMap((s) => specsOf(s));
    assert.ok(specs.length > 0, 'no Playwright test ran');
    for (const spec of specs) {
      await t.test(`e2e: ${spec.title}`, () => {
        const results = spec.tests.flatMap((x) => x.results);
        const failed = results.find((r) => r.status !== 'passed' && r.status !== 'skipped');
        if (failed) {
          const where = failed.error?.location ? ` at ${failed.error.location.file}:${failed.error.location.line}` : '';
          assert.fail(`${spec.file}:${spec.line} ${failed.status}${where}\n${failed.error?.message ?? (failed.errors ?? []).map((e) => e.message).join('\n')}\n${failed.error?.snippet ?? ''}`);
        }
      });
    }
    assert.equal(code, 0, 'Playwright exited non-zero');
  } finally {
    cleanup();
  }
});
