import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, runCli } from '@overhear/testkit';
import { ingestPath, openCatalog } from '@overhear/pipeline';
import { classifyValue } from '@overhear/detect';

/**
 * Planted secrets and personal data travel through every place overhear
 * looks; afterwards the raw bytes of the catalog, its WAL and its shared
 * memory file must not contain any of them.
 */
const b64u = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u({ sub: '42', email: 'zoe.planted@example.org', exp: 1999999999 })}.c2lnbmF0dXJlLWZvci10ZXN0aW5nLW9ubHk`;

const planted: Record<string, { value: string; type: string; name: string }> = {
  email: { value: 'zoe.planted@example.org', type: 'email', name: 'email' },
  phone: { value: '+44 20 7946 0958', type: 'phone', name: 'phone' },
  card: { value: '4111111111111111', type: 'credit-card', name: 'cardNumber' },
  iban: { value: 'GB82WEST12345698765432', type: 'iban', name: 'iban' },
  ssn: { value: '536-22-1234', type: 'us-ssn', name: 'ssn' },
  password: { value: 'Plant3d-Passw0rd!', type: 'password', name: 'password' },
  stripe: { value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', type: 'stripe-key', name: 'stripeKey' },
  aws: { value: 'AKIAQ3EGUL4XRZ7PLANT', type: 'aws-access-key', name: 'awsKey' },
  github: { value: 'ghp_R8cZp3Wq7nV2kL9mX4bT6yH1jD5fA0sEuG2i', type: 'github-token', name: 'token' },
  apiKeyQuery: { value: 'q8Zt2LmX9vRk4PbW7nYc1Hs6Tj3Dw5Ga', type: 'generic-secret', name: 'api_key' },
  session: { value: 'Zk3mP9qLx2Rv7TnB4wYc8HsD6fGa1JeQ', type: 'session-token', name: 'sid' },
};

function har(): string {
  const p = planted;
  const entry = {
    startedDateTime: '2026-11-20T10:00:00.000Z',
    time: 5,
    request: {
      method: 'POST',
      url: `http://api.leaky.example/v1/users/${encodeURIComponent(p.email!.value)}/payments?api_key=${p.apiKeyQuery!.value}&phone=${encodeURIComponent(p.phone!.value)}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Authorization', value: `Bearer ${jwt}` },
        { name: 'X-Aws-Key', value: p.aws!.value },
        { name: 'Cookie', value: `sid=${p.session!.value}; theme=dark` },
        { name: 'Content-Type', value: 'application/json' },
      ],
      postData: { mimeType: 'application/json', text: JSON.stringify({ cardNumber: p.card!.value, iban: p.iban!.value, ssn: p.ssn!.value, password: p.password!.value }) },
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Set-Cookie', value: `sid=${p.session!.value}; Max-Age=315360000; Path=/` },
      ],
      content: { mimeType: 'application/json', text: JSON.stringify({ owner: { email: p.email!.value, phone: p.phone!.value }, integration: { stripeKey: p.stripe!.value, token: p.github!.value }, session: jwt }) },
    },
  };
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries: [entry, { ...entry, startedDateTime: '2026-11-20T10:00:01.000Z' }] } });
}

function leaks(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const found: string[] = [];
  for (const [k, p] of Object.entries(planted)) {
    const forms = [p.value, p.value.toLowerCase(), encodeURIComponent(p.value), p.value.replace(/[\s-]/g, '')];
    if (forms.some((f) => f.length >= 8 && text.includes(f))) found.push(k);
  }
  if (text.includes(jwt.split('.')[1]!)) found.push('jwt');
  return found;
}

test('planted values are detected, and none reaches the catalog, its WAL or its shm in plain text', async () => {
  for (const [k, p] of Object.entries(planted)) assert.equal(classifyValue(p.value, { name: p.name }), p.type, `${k} is a real positive for its type`);
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'leaky.har');
    writeFileSync(file, har());
    // The scan below can fail: run on the input itself, it finds every planted value.
    assert.deepEqual(leaks(readFileSync(file)).sort(), [...Object.keys(planted), 'jwt'].sort());
    const db = join(dir, 'catalog.db');
    const catalog = openCatalog(db);
    try {
      const summary = await ingestPath(file, catalog);
      assert.equal(summary.exchanges, 2);
      // Scanned while the catalog is open, so the WAL still holds the fresh pages.
      assert.ok(existsSync(`${db}-wal`));
      for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) assert.deepEqual(leaks(readFileSync(f)), [], f);
      const types = new Set((catalog.db.prepare('SELECT type FROM sensitive').all() as Array<{ type: string }>).map((r) => r.type));
      for (const t of ['email', 'phone', 'credit-card', 'iban', 'us-ssn', 'password', 'stripe-key', 'aws-access-key', 'github-token', 'session-token', 'jwt']) assert.ok(types.has(t), `detected ${t}`);
    } finally {
      catalog.close();
    }
    assert.deepEqual(leaks(readFileSync(db)), [], 'after checkpoint');
    // What the CLI and the export print is redacted too.
    for (const args of [['endpoints', '--json'], ['findings', '--json'], ['export', 'openapi']]) {
      const r = runCli([...args, '--db', db]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(leaks(Buffer.from(r.stdout)), [], args.join(' '));
    }
    // The key for the keyed hashes lives beside the catalog, readable by its owner only.
    const mode = (await import('node:fs')).statSync(`${db}.key`).mode & 0o777;
    assert.equal(mode, 0o600);
  } finally {
    cleanup();
  }
});
