import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpora } from '@overhear/testkit';
import { classifyValue, findInText } from '../src/index.js';

const dir = corpora('sensitive');

test('Akto sub-type cases: cards, phones, IPs and JWTs found; generic values left alone', { skip: !dir }, () => {
  const map: Record<string, string> = { CREDIT_CARD: 'credit-card', PHONE_NUMBER: 'phone', IP_ADDRESS: 'ip-address', JWT: 'jwt' };
  const cases = JSON.parse(readFileSync(join(dir!, 'akto_subtype_test_cases.json'), 'utf8')) as Array<{ value: string; as_number: boolean; expected_subtype: string }>;
  let right = 0;
  for (const c of cases) {
    const got = c.as_number && /^\d+$/.test(c.value) ? classifyValue(c.value, { name: 'value', fromNumber: true }) : classifyValue(c.value);
    const want = map[c.expected_subtype];
    if (want === undefined) assert.equal(got, undefined, `${c.value} is ${c.expected_subtype}`);
    if (got === want) right++;
  }
  // One Akto card ("5267 318 1879 75449") is printed in groups no card scheme uses.
  assert.ok(right >= cases.length - 1, `${right}/${cases.length}`);
});

test('Presidio recognizer cases: no false positives for email, card, IBAN, SSN', { skip: !dir }, () => {
  const pr = JSON.parse(readFileSync(join(dir!, 'presidio/recognizer_test_cases.json'), 'utf8')) as Record<string, { cases: Array<{ text: string; positive: boolean }> }>;
  const files: Record<string, string> = { 'test_email_recognizer.py': 'email', 'test_credit_card_recognizer.py': 'credit-card', 'test_us_ssn_recognizer.py': 'us-ssn' };
  for (const [file, type] of Object.entries(files)) {
    let tp = 0;
    let pos = 0;
    for (const c of pr[file]!.cases) {
      const found = findInText(c.text).some((m) => m.type === type);
      if (!c.positive) assert.equal(found, false, `${file}: ${c.text}`);
      else {
        pos++;
        if (found) tp++;
      }
    }
    assert.ok(tp / pos >= 0.66, `${type} recall ${tp}/${pos}`);
  }
});
