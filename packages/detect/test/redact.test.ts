import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SensitiveMatch } from '@overhear/model';
import { createRedactor, maskValue, redactJson, redactText } from '../src/index.js';

test('previews reveal almost nothing', () => {
  assert.equal(maskValue('email', 'jane.doe@example.com'), 'j***@e***.com');
  assert.equal(maskValue('stripe-key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9f2a'), 'sk_live_…9f2a');
  assert.equal(maskValue('aws-access-key', 'AKIAZ7QSD2LMN4PQR3ST'), 'AKIA…R3ST');
  assert.equal(maskValue('phone', '+44 20 7946 0958'), '+44 ****** **58');
  assert.equal(maskValue('credit-card', '4242-4242-4242-4242'), '**** **** **** 4242');
  assert.equal(maskValue('us-ssn', '536-22-1234'), '***-**-****');
  assert.equal(maskValue('password', 'hunter22'), '********');
  assert.equal(maskValue('iban', 'GB82 WEST 1234 5698 7654 32'), 'GB**…5432');
  assert.equal(maskValue('ip-address', '203.0.113.7'), '203.***.***.***');
  assert.equal(maskValue('person-name', 'Jane Doe'), 'J*** D***');
  assert.equal(maskValue('generic-secret', 'short-secret'), '…', 'no tail for short secrets');
});

test('hash is a keyed HMAC: stable per key, different across keys', () => {
  const a = createRedactor(new Uint8Array(32).fill(1));
  const b = createRedactor(new Uint8Array(32).fill(2));
  assert.equal(a.hash('jane@example.com'), a.hash('jane@example.com'));
  assert.notEqual(a.hash('jane@example.com'), b.hash('jane@example.com'));
  assert.notEqual(a.hash('jane@example.com'), a.hash('john@example.com'));
  assert.match(a.hash('x'), /^[0-9a-f]{32}$/);
  assert.throws(() => createRedactor(new Uint8Array(8)));
});

test('redactJson replaces matched paths and anything else sensitive', () => {
  const matches: SensitiveMatch[] = [{ type: 'email', location: 'response.body', name: '$.users[*].email', preview: '', hash: '' }];
  const out = redactJson({ users: [{ email: 'jane@example.com', nickname: 'jd' }, { email: 'not-an-email-but-matched' }], token: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', pos: { lat: 51.5074, lon: -0.1278 }, n: 3 }, matches);
  assert.deepEqual(out, {
    users: [{ email: '<email:j***@e***.com>', nickname: 'jd' }, { email: '<email:***>' }],
    token: '<stripe-key:sk_live_…p7dc>',
    pos: { lat: '<geolocation:*>', lon: '<geolocation:*>' },
    n: 3,
  });
});

test('redactText replaces values found in free text', () => {
  assert.equal(
    redactText('Contact jane@example.com or +1 415 555 0132; password=hunter22; card 4242 4242 4242 4242.'),
    'Contact <email:j***@e***.com> or <phone:+1 ****** **32>; password=<password:********>; card <credit-card:**** **** **** 4242>.',
  );
});
