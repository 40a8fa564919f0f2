import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { corpora, runCli, tempDir } from '@overhear/testkit';

async function assertValid31(text: string, what: string): Promise<Record<string, unknown>> {
  const doc = JSON.parse(text) as Record<string, unknown>;
  assert.equal(doc.openapi, '3.1.0', what);
  const result = await validate(structuredClone(doc) as never);
  assert.ok(result.valid, `${what}: ${result.valid ? '' : compileErrors(result)}`);
  return doc;
}

test('export openapi on every corpus HAR passes a real OpenAPI 3.1 validator', async (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const { dir: tmp, cleanup } = tempDir();
  try {
    const db = join(tmp, 'c.db');
    const files = readFileSync(join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => join(dir, l.split('\t')[0]!));
    assert.equal(runCli(['ingest', '-q', '--db', db, ...files]).status, 0);
    const all = runCli(['export', 'openapi', '--db', db]);
    assert.equal(all.status, 0, all.stderr);
    const doc = await assertValid31(all.stdout, 'all hosts');
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    assert.ok(paths['/v2/pet/{petId}']?.get, 'petstore operation present');
    assert.ok(paths['/books/{bookId}']?.servers, 'several hosts: path-level servers');

    const one = runCli(['export', 'openapi', '--db', db, '--host', 'petstore.swagger.io', '-o', join(tmp, 'pet.json')]);
    assert.equal(one.status, 0, one.stderr);
    const pet = await assertValid31(readFileSync(join(tmp, 'pet.json'), 'utf8'), 'petstore');
    assert.deepEqual(pet.servers, [{ url: 'https://petstore.swagger.io' }]);
    const get = (pet.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema: unknown }>; responses: Record<string, unknown> }>>)['/v2/pet/{petId}']!.get!;
    assert.deepEqual(get.parameters?.find((p) => p.in === 'path'), { name: 'petId', in: 'path', required: true, schema: { type: 'integer' } });
    assert.deepEqual(Object.keys(get.responses).sort(), ['200', '404']);

    const none = runCli(['export', 'openapi', '--db', db, '--host', 'nowhere.example']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no endpoints for host nowhere\.example/);
  } finally {
    cleanup();
  }
});
