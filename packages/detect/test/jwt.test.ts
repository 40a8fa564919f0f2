import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, isJwt } from '../src/index.js';

const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('decodeJwt returns header, alg, exp and claims', () => {
  const tok = `${b64u({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64u({ sub: '42', exp: 1795003600, iat: 1795000000, email: 'jane@example.com' })}.c2lnbmF0dXJl`;
  const d = decodeJwt(tok);
  assert.ok(d);
  assert.equal(d.alg, 'RS256');
  assert.equal(d.exp, 1795003600);
  assert.equal(d.iat, 1795000000);
  assert.equal(d.payload.email, 'jane@example.com');
  assert.equal(d.hasSignature, true);
});

test('alg none with an empty signature is a JWT without a signature', () => {
  const d = decodeJwt(`${b64u({ alg: 'none' })}.${b64u({ sub: 'x' })}.`);
  assert.equal(d?.alg, 'none');
  assert.equal(d?.hasSignature, false);
  assert.equal(d?.exp, undefined);
});

test('look-alikes are not JWTs', () => {
  for (const v of ['eyJhbGciOiJIUzI1NiJ9', `${b64u({ foo: 1 })}.${b64u({ sub: 1 })}.sig`, `${b64u({ alg: 'HS256' })}.${Buffer.from('nope').toString('base64url')}.sig`, 'abc.def.ghi', 'eyJhbGciOiJSUzI1NiJ.eyJzdWIiOiIxIn0.abc'])
    assert.equal(isJwt(v), false, v);
});
