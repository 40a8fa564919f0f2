import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyValue,
  isEmail,
  isPhone,
  isCardNumber,
  cardIssuer,
  luhn,
  isIban,
  mod97,
  isSsn,
  isIpAddress,
  isPublicIp,
  isDateOfBirth,
  looksLikePersonName,
  looksLikePostalAddress,
  isLatLonString,
  looksLikePassword,
  looksRandomToken,
  classifyKey,
  parseAuthorization,
  hasUrlCredentials,
  compileCustomType,
} from '../src/index.js';

test('email: addresses yes, image scale suffixes, packages and git remotes no', () => {
  for (const v of ['jane.doe@example.com', 'j+news@mail.example.co.uk', 'user@xn--80ak6aa92e.com']) assert.equal(isEmail(v), true, v);
  for (const v of ['logo@2x.png', 'lodash@4.17.21', 'user@localhost', 'git@github.com:org/repo.git', 'a..b@example.com', 'user@example', '@handle']) assert.equal(isEmail(v), false, v);
});

test('phone: international format alone, national format only with a phone-like name', () => {
  assert.equal(isPhone('+44 20 7946 0958', false), true);
  assert.equal(isPhone('+919967167961', false), true);
  assert.equal(isPhone('+91996716796', false), false, 'one digit short for India');
  assert.equal(isPhone('(415) 555-0132', false), true, 'bracketed area code is phone-shaped');
  assert.equal(isPhone('4155550132', false), false, 'bare digits are order numbers until a name says otherwise');
  assert.equal(classifyValue('4155550132', { name: 'mobileNumber' }), 'phone');
  assert.equal(classifyValue('4155550132', { name: 'order_id' }), undefined);
  assert.equal(classifyValue('1700000000123', {}), undefined, 'epoch millis');
  assert.equal(classifyValue('20240115', { name: 'date' }), undefined);
  assert.equal(classifyValue('2024-01-15', { name: 'phone' }), undefined, 'a date under a phone name');
});

test('card: issuer range, length and Luhn', () => {
  assert.equal(luhn('4242424242424242'), true);
  assert.equal(luhn('4242424242424241'), false);
  assert.equal(cardIssuer('378282246310005'), 'amex');
  assert.equal(cardIssuer('4242424242424'), 'visa');
  assert.equal(cardIssuer('424242424242424'), undefined, 'Visa has no 15-digit numbers');
  for (const v of ['4242424242424242', '4242 4242 4242 4242', '5555-5555-5555-4444', '378282246310005', '6011111111111117']) assert.equal(isCardNumber(v), true, v);
  for (const v of ['4242424242424241', '9242424242424246', '0000000000000000', '4242 4242-4242 4242', '4111 11111 111 1111', '**** **** **** 4242', '35' + '1234567890123'])
    assert.equal(isCardNumber(v), false, v);
});

test('iban: country length and mod-97', () => {
  assert.equal(mod97('GB82WEST12345698765432'), 1);
  for (const v of ['GB82WEST12345698765432', 'DE89 3704 0044 0532 0130 00', 'FR1420041010050500013M02606']) assert.equal(isIban(v), true, v);
  for (const v of ['GB83WEST12345698765432', 'DE8937040044053201300', 'US12345678901234567890', 'DEUTDEFF500']) assert.equal(isIban(v), false, v);
});

test('ssn: area, group and serial rules; bare nine digits only when named', () => {
  assert.equal(isSsn('536-22-1234', false), true);
  assert.equal(isSsn('536 22 1234', false), true);
  for (const v of ['000-22-1234', '666-22-1234', '912-22-1234', '536-00-1234', '536-22-0000', '078-05-1120', '536-22.1234']) assert.equal(isSsn(v, false), false, v);
  assert.equal(isSsn('536221234', false), false);
  assert.equal(isSsn('536221234', true), true);
  assert.equal(classifyValue('536221234', { name: 'social_security_number' }), 'us-ssn');
});

test('ip: v4 and v6 validated; versions, MACs and times are not addresses', () => {
  for (const v of ['203.0.113.7', '10.0.0.1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', 'fe80::1%eth0']) assert.equal(isIpAddress(v), true, v);
  for (const v of ['1.2.3', '256.1.1.1', '1.2.3.04', 'aa:bb:cc:dd:ee:ff', '12:34:56', '2001::db8::1']) assert.equal(isIpAddress(v), false, v);
  assert.equal(classifyValue('1.2.3.4', { name: 'version' }), undefined);
  assert.equal(isPublicIp('8.8.8.8'), true);
  assert.equal(isPublicIp('192.168.1.10'), false);
});

test('date of birth: real calendar dates of plausible years, only under birth names', () => {
  assert.equal(isDateOfBirth('1990-02-28'), true);
  assert.equal(isDateOfBirth('29/02/1992'), true);
  assert.equal(isDateOfBirth('1991-02-29'), false);
  assert.equal(isDateOfBirth('1990-04-31'), false);
  assert.equal(isDateOfBirth('2099-01-01'), false);
  assert.equal(classifyValue('1990-05-17', { name: 'dateOfBirth' }), 'date-of-birth');
  assert.equal(classifyValue('1990-05-17', { name: 'createdAt' }), undefined);
});

test('person names: shape plus a naming field; bare "name" needs a person parent', () => {
  assert.equal(looksLikePersonName('Jane Doe'), true);
  assert.equal(looksLikePersonName("Siobhán O'Brien"), true);
  assert.equal(looksLikePersonName('user123'), false);
  assert.equal(looksLikePersonName('ACTIVE'), false);
  assert.equal(classifyValue('Jane Doe', { name: 'lastName' }), 'person-name');
  assert.equal(classifyValue('Jane Doe', { name: 'name', parent: 'customer' }), 'person-name');
  assert.equal(classifyValue('Blue Cotton Shirt', { name: 'name', parent: 'product' }), undefined);
});

test('postal address, geolocation and password by name plus shape', () => {
  assert.equal(looksLikePostalAddress('221B Baker Street, London NW1 6XE'), true);
  assert.equal(looksLikePostalAddress('N/A'), false);
  assert.equal(classifyValue('221B Baker Street', { name: 'shippingAddress' }), 'postal-address');
  assert.equal(classifyValue('10.0.0.1', { name: 'address' }), 'ip-address');
  assert.equal(classifyValue('jane@example.com', { name: 'emailAddress' }), 'email');
  assert.equal(isLatLonString('51.5074,-0.1278'), true);
  assert.equal(isLatLonString('123.45,678.90'), false);
  assert.equal(classifyValue('51.5074, -0.1278', { name: 'location' }), 'geolocation');
  assert.equal(looksLikePassword('hunter22'), true);
  assert.equal(looksLikePassword('********'), false);
  assert.equal(looksLikePassword('${DB_PASSWORD}'), false);
  assert.equal(classifyValue('hunter22', { name: 'new_password' }), 'password');
  assert.equal(classifyValue('strong', { name: 'passwordStrength' }), undefined);
});

test('cloud and SaaS keys by documented format; placeholders rejected', () => {
  const yes: Array<[string, string]> = [
    ['AKIAZ7QSD2LMN4PQR3ST', 'aws-access-key'],
    ['ASIAZ7QSD2LMN4PQR3ST', 'aws-access-key'],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-key'],
    ['rk_live_5TcWfjKmJgpql9hjpRnwRXbT', 'stripe-key'],
    ['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', 'github-token'],
    ['xoxb-263594206564-FGqddMF8t08v8N7Oq4i57vs1', 'slack-token'],
    ['AIzaSyNHxIf32IQ1a1yjl3ZJIqKZqzLAK1XhDk-', 'google-api-key'],
    ['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', 'sendgrid-key'],
    ['AC3f9a2b7c1d4e5f60718293a4b5c6d7e8', 'twilio-key'],
    ['key-3ax6xnjp29jd6fds4gc373sgvjxteol0', 'mailgun-key'],
    ['343ea45721923ed956e2b38c31db76aa-us30', 'mailchimp-key'],
    [`-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3\n-----END RSA PRIVATE KEY-----`, 'private-key'],
  ];
  for (const [v, t] of yes) assert.equal(classifyKey(v), t, v);
  for (const v of ['AKIAIOSFODNN7EXAMPLE', 'AKIAXXXXXXXXXXXXXXXX', 'pk_live_j5krY8XTgIcDaHDb3YrsAfCl', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xoxb-xxx', 'SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr', '9276a43e2951aa46e2b1c33ED38357DB-us2', '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----'])
    assert.equal(classifyKey(v), undefined, v);
});

test('authorization header: bearer, basic, and credentials in URLs', () => {
  assert.deepEqual(parseAuthorization('Bearer abcdef0123456789ZYX')?.type, 'bearer-token');
  assert.equal(parseAuthorization('Bearer ${TOKEN}'), undefined);
  assert.equal(parseAuthorization('Bearer xxxxxxxxxxxx'), undefined);
  assert.equal(parseAuthorization('Basic dXNlcjpwYXNz')?.type, 'basic-auth');
  assert.equal(parseAuthorization('Basic Zm9vYmFy'), undefined, '"foobar" has no colon');
  assert.equal(hasUrlCredentials('https://admin:s3cret@db.example.com/x'), true);
  assert.equal(hasUrlCredentials('https://admin@db.example.com/x'), false);
  assert.equal(classifyValue('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz', { name: 'Authorization' }), 'jwt');
});

test('high-entropy values under secret names; low-entropy and metadata names are not secrets', () => {
  assert.equal(looksRandomToken('9f86d081884c7d659a2feaa0c55ad015'), true);
  assert.equal(looksRandomToken('this-is-my-token-name'), false);
  assert.equal(looksRandomToken('ABCDEFGHIJKLMNOPQRSTUVWX'), false);
  assert.equal(classifyValue('q8Zt2LmX9vRk4PbW7nYc1Hs6', { name: 'client_secret' }), 'generic-secret');
  assert.equal(classifyValue('q8Zt2LmX9vRk4PbW7nYc1Hs6', { name: 'JSESSIONID' }), 'session-token');
  assert.equal(classifyValue('q8Zt2LmX9vRk4PbW7nYc1Hs6', { name: 'request_id' }), undefined);
  assert.equal(classifyValue('Bearer', { name: 'token_type' }), undefined);
});

test('custom types: name and value patterns with a checksum', () => {
  const emp = compileCustomType({ type: 'employee-id', nameRegex: '^emp(loyee)?_?id$', valueRegex: 'E\\d{6}' });
  assert.equal(emp.test('employee_id', 'E123456'), true);
  assert.equal(emp.test('employee_id', 'X123456'), false);
  assert.equal(emp.test('order_id', 'E123456'), false);
  const loyalty = compileCustomType({ type: 'loyalty-card', valueRegex: '\\d{12}', validator: 'luhn' });
  assert.equal(loyalty.test(undefined, '123456789015'), luhn('123456789015'));
  assert.equal(classifyValue('E123456', { name: 'empId', custom: [emp] }), 'employee-id');
  assert.throws(() => compileCustomType({ type: 'x' }));
});
