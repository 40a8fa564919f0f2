import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameWords, compactName, nameHint } from '../src/index.js';

test('names split across conventions', () => {
  assert.deepEqual(nameWords('emailAddress'), ['email', 'address']);
  assert.deepEqual(nameWords('e_mail'), ['e', 'mail']);
  assert.deepEqual(nameWords('X-Forwarded-For'), ['x', 'forwarded', 'for']);
  assert.deepEqual(nameWords('HTTPServerURL'), ['http', 'server', 'url']);
  assert.deepEqual(nameWords('address2'), ['address', '2']);
  assert.equal(compactName('card_no'), 'cardno');
});

test('hints from whole names, last two words, last word', () => {
  const cases: Array<[string, string | undefined]> = [
    ['e_mail', 'email'], ['emailAddress', 'email'], ['customer_email', 'email'], ['phoneNumber', 'phone'], ['tel', 'phone'], ['mobile', 'phone'],
    ['billingPhoneNumber', 'phone'], ['card_no', 'card'], ['ccnum', 'card'], ['dob', 'dob'], ['birthDate', 'dob'], ['ipAddress', 'ip'],
    ['shipping_address', 'address'], ['macAddress', 'not-sensitive'], ['password', 'password'], ['new_password', 'password'], ['passwordPolicy', 'not-sensitive'],
    ['api_key', 'secret'], ['x-api-key', 'secret'], ['key_id', 'not-sensitive'], ['token_type', 'not-sensitive'], ['PHPSESSID', 'session'], ['connect.sid', 'session'],
    ['emails', 'email'], ['color', 'not-sensitive'], ['widgetCount', 'not-sensitive'], ['description', undefined],
  ];
  for (const [name, hint] of cases) assert.equal(nameHint(name), hint, name);
});
