import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestPath, openCatalog } from '@overhear/pipeline';
import { listEndpoints } from '@overhear/catalog';
import { tempDir } from '@overhear/testkit';

function har(paths: string[]): string {
  const entries = paths.map((p, i) => ({
    startedDateTime: new Date(Date.UTC(2026, 10, 22, 12) + i * 1000).toISOString(),
    time: 5,
    request: { method: 'GET', url: `https://api.example${p}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Authorization', value: 'Bearer abcdefghijklmnop' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: {
      status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], cookies: [],
      content: { size: 1, mimeType: 'application/json', text: JSON.stringify({ login: p.split('/').pop(), id: i, type: 'User', site_admin: false }) },
      redirectURL: '', headersSize: -1, bodySize: 1,
    },
    cache: {}, timings: { send: 1, wait: 3, receive: 1 },
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });
}

test('re-templating merges endpoints across ingests: literal rows in the catalog end up under one template (GitHub /users/{username})', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    writeFileSync(join(dir, 'a.har'), har(['/users/alice', '/users/bob', '/users/bob']));
    writeFileSync(join(dir, 'b.har'), har(['/users/octocat', '/users/torvalds', '/users/gaearon', '/users/mojombo', '/users/defunkt', '/users/me']));
    let c = openCatalog(db);
    await ingestPath(join(dir, 'a.har'), c);
    assert.deepEqual(listEndpoints(c.db).map((e) => e.path).sort(), ['/users/alice', '/users/bob'], 'two words are not evidence enough');
    c.close();
    c = openCatalog(db);
    await ingestPath(join(dir, 'b.har'), c);
    const eps = listEndpoints(c.db);
    assert.deepEqual(eps.map((e) => e.path).sort(), ['/users/me', '/users/{user}']);
    assert.equal(eps.find((e) => e.path === '/users/{user}')!.hits, 3 + 5, 'hits carried over from the merged rows');
    c.close();
  } finally {
    cleanup();
  }
});
