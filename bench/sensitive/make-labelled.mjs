#!/usr/bin/env node
// Writes overhear's own labelled set, packages/detect/test/labelled/*.json.
// Hand-written cases plus generated ones (seeded PRNG, so the files are stable):
// positives of every type and look-alike negatives. Each case:
//   { value | json, name?, parent?, expect: type | null, note? }
// `expect` is the truth for that value in that field; null = not sensitive.
// Usage: node bench/sensitive/make-labelled.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const outDir = join(root, 'packages/detect/test/labelled');
const examples = require(join(root, 'node_modules/libphonenumber-js/examples.mobile.json'));
const { getCountryCallingCode, parsePhoneNumberFromString } = await import(join(root, 'node_modules/libphonenumber-js/max/index.js'));

let seed = 0x2026_1122;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const int = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const chars = (alphabet, n) => Array.from({ length: n }, () => pick(alphabet)).join('');
const DIG = '0123456789';
const HEX = '0123456789abcdef';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOW = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = UP + LOW + DIG;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64URL = ALNUM + '-_';

const sets = {};
const add = (file, c) => (sets[file] ??= []).push(c);
const pos = (file, expect, value, name, parent, note) => add(file, clean({ value, name, parent, expect, note }));
const neg = (file, value, name, parent, note) => add(file, clean({ value, name, parent, expect: null, note }));
function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const firsts = ['Jane', 'John', 'Amélie', 'Søren', 'Zoë', 'Ahmed', 'Priya', 'Wei', 'Olga', 'Kwame', 'Lucía', 'Mateo', 'Aiko', 'Fatima', 'Liam', 'Noor', 'Jürgen', 'Siobhán', 'Chidi', 'Ana'];
const lasts = ['Doe', 'Smith', "O'Brien", 'Müller', 'García', 'Nguyen', 'Kowalski', 'Okafor', 'Tanaka', 'Patel', 'Ivanova', 'Rossi', 'Silva', 'Haddad', 'Johansson', 'Dubois', 'Kim', 'Mensah', 'Lefèvre', 'Byrne'];
const domains = ['example.com', 'mail.example.org', 'corp.example.co.uk', 'example.io', 'uni.example.edu', 'example.de', 'post.example.fr', 'example.com.au', 'xn--80ak6aa92e.com', 'example.travel'];

// ---- email
for (let i = 0; i < 50; i++) {
  const f = pick(firsts).normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  const l = pick(lasts).normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  const local = pick([`${f}.${l}`, `${f[0]}${l}`, `${f}_${l}${int(1, 99)}`, `${f}+${pick(['news', 'shop', 'x'])}`, `${l}.${f}`, `${f}-${l}`]);
  pos('email', 'email', `${local}@${pick(domains)}`, pick([undefined, 'email', 'e_mail', 'emailAddress', 'contact_email', 'user', 'to', 'recipient']));
}
for (const v of ['logo@2x.png', 'icon@3x.webp', 'sprite@2x.jpg', 'lodash@4.17.21', '@types/node@20.1.0', '@scope/pkg', 'user@localhost', 'git@github.com:org/repo.git', 'first.last@', '@handle', 'user@@example.com', 'user@example', 'john.doe.example.com', 'Meet @ 5pm', '@media screen and (max-width: 600px)', 'name@domain..com', '.user@example.com', 'user.@example.com', 'a b@example.com', 'user@-example.com', 'user@example.c', 'user@example.123', 'v1.2.3@sha256:9f86d081', 'docker.io/library/nginx@sha256:abc', 'user@[127.0.0.1', 'hello world', 'mailto', 'email', 'no-reply', 'support at example dot com', 'jane(at)example.com', 'jane[at]example[dot]com', 'https://example.com/@jane', '@jane.doe', 'jane@', 'example@', 'x@y', 'user@host.local.', 'foo@bar@baz.com', 'ключ@', 'abc@1.2']) neg('email', v, pick([undefined, 'email', 'ref', 'image']));

// ---- phone
const countries = Object.keys(examples);
const phoneNames = ['phone', 'phoneNumber', 'mobile', 'tel', 'telephone', 'cell', 'msisdn', 'contact_phone', 'whatsapp', 'faxNumber'];
for (let i = 0; i < 45; i++) {
  const cc = pick(countries);
  const p = parsePhoneNumberFromString(examples[cc], cc);
  if (!p) continue;
  const form = pick(['e164', 'intl', 'intl', 'national']);
  if (form === 'national') pos('phone', 'phone', p.formatNational(), pick(phoneNames), undefined, `national ${cc}`);
  else pos('phone', 'phone', form === 'e164' ? p.number : p.formatInternational(), pick([undefined, ...phoneNames]), undefined, cc);
}
for (const [v, n] of [['+1 415 555 0132'], ['+44 20 7946 0958'], ['+33 1 42 68 53 00'], ['+49 30 1234567'], ['+919967167961'], ['+1-541-754-3010'], ['+55 11 98456-5666'], ['(415) 555-0132'], ['(020) 7946 0958'], ['4155550132', 'phone'], ['415-555-0132', 'mobile'], ['07700 900123', 'mobile_number'], ['020 7946 0958', 'tel'], ['030 1234567', 'telefon'], ['090-1234-5678', 'phone'], ['13812345678', 'mobile'], ['09-7625400', 'phone'], ['0044 20 7946 0958', 'phone'], ['+61 2 9374 4000'], ['+81 3-1234-5678']]) pos('phone', 'phone', v, n);
const phoneNegs = [
  ['1700000000', undefined, 'epoch seconds'], ['1700000000123', undefined, 'epoch millis'], ['1700000000', 'timestamp'], ['20240115', undefined, 'date'], ['20240115', 'date'],
  ['4155550132', undefined, 'bare 10 digits, no name'], ['4155550132', 'orderNumber'], ['4155550132', 'order_id'], ['12345678', 'invoice'], ['9780306406157', 'isbn'],
  ['978-3-16-148410-0', undefined, 'ISBN'], ['+91996716796', undefined, 'too short for IN'], ['+1234', undefined], ['+1 000 000 0000'], ['+0 123 456 789'], ['123456', 'phone', 'too short'],
  ['90210', 'phone', 'zip'], ['1234.56', 'phone', 'price'], ['10.0.19041.1', 'phone'], ['+999 123 456 789'], ['2024-01-15', 'phone'], ['N/A', 'phone'], ['unknown', 'phone'],
  ['(555) 555-55555'], ['00000000000', 'phone'], ['1111111111', 'phone'], ['12:30:45', 'phone'], ['+', 'phone'], ['+44', 'phone'], ['415 555 0132 415 555 0132', 'phone'],
  ['PO-2024-004211'], ['ORD-415-555-0132'], ['1.415.555.0132.7'], ['202401151230', undefined, 'compact datetime'], ['31415926535'],
  ['27182818284', 'count'], ['16180339887', 'total'], ['12345678901234567890'], ['5550132', 'sku'],
];
for (const [v, n, note] of phoneNegs) neg('phone', v, n, undefined, note);

// ---- credit-card
function luhnComplete(prefix, len) {
  let s = prefix + chars(DIG, len - prefix.length - 1);
  for (let d = 0; d <= 9; d++) {
    const c = s + d;
    let sum = 0;
    for (let i = 0; i < c.length; i++) {
      let x = +c[c.length - 1 - i];
      if (i % 2 === 1) { x *= 2; if (x > 9) x -= 9; }
      sum += x;
    }
    if (sum % 10 === 0) return c;
  }
}
const issuers = [['4', 16], ['4', 13], ['51', 16], ['55', 16], ['2221', 16], ['2720', 16], ['34', 15], ['37', 15], ['6011', 16], ['65', 16], ['3528', 16], ['3589', 16], ['36', 14], ['300', 14], ['62', 16], ['62', 19], ['5019', 16], ['6759', 16]];
const cardNames = [undefined, 'card', 'cardNumber', 'card_no', 'ccnum', 'pan', 'number', 'creditCard', 'payment_card'];
for (let i = 0; i < 50; i++) {
  const [p, len] = pick(issuers);
  const d = luhnComplete(p, len);
  const fmt = pick(['bare', 'bare', 'space', 'dash']);
  const v = fmt === 'bare' || len !== 16 ? d : d.match(/.{4}/g).join(fmt === 'space' ? ' ' : '-');
  pos('credit-card', 'credit-card', v, pick(cardNames));
}
for (const v of ['4242424242424242', '4000056655665556', '5555555555554444', '2223003122003222', '378282246310005', '371449635398431', '6011111111111117', '3056930009020004', '36227206271667', '3566002020360505', '6200000000000005', '4111 1111 1111 1111', '5105-1051-0510-5100']) pos('credit-card', 'credit-card', v, pick(cardNames));
for (let i = 0; i < 25; i++) {
  const [p, len] = pick(issuers);
  const d = luhnComplete(p, len);
  neg('credit-card', d.slice(0, -1) + ((+d.slice(-1) + 1) % 10), pick(cardNames), undefined, 'Luhn fails');
}
for (let i = 0; i < 8; i++) neg('credit-card', luhnComplete(pick(['9', '7', '0']), 16), undefined, undefined, 'Luhn passes, no issuer');
for (let i = 0; i < 6; i++) neg('credit-card', luhnComplete('35' + chars(DIG, 6), 15), 'imei', undefined, 'IMEI (Luhn, 15 digits)');
for (const v of ['**** **** **** 4242', 'XXXX-XXXX-XXXX-1111', '4242', '1700000000123', '4111-1111 1111-1111', '4111 11111 111 1111', '0000 0000 0000 0000', '1234567812345678', '1Z999AA10123456784', '550e8400-e29b-41d4-a716-446655440000', '41111111111111111111111', '411111111111']) neg('credit-card', v, pick(cardNames));

// ---- iban
const ibanLens = { DE: 22, GB: 22, FR: 27, NL: 18, ES: 24, IT: 27, BE: 16, CH: 21, AT: 20, PL: 28, SE: 24, DK: 18, NO: 15, IE: 22, PT: 25, FI: 18 };
function mod97(s) {
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of r) rem = /\d/.test(ch) ? (rem * 10 + +ch) % 97 : (rem * 100 + ch.charCodeAt(0) - 55) % 97;
  return rem;
}
function iban(cc) {
  const len = ibanLens[cc];
  const bban = cc === 'GB' || cc === 'IE' ? chars(UP, 4) + chars(DIG, len - 8) : cc === 'NL' ? chars(UP, 4) + chars(DIG, len - 8) : chars(DIG, len - 4);
  const check = 98 - mod97(cc + '00' + bban);
  return cc + String(check).padStart(2, '0') + bban;
}
const group4 = (s) => s.match(/.{1,4}/g).join(' ');
for (let i = 0; i < 40; i++) {
  const v = iban(pick(Object.keys(ibanLens)));
  pos('iban', 'iban', rnd() < 0.3 ? group4(v) : v, pick([undefined, 'iban', 'IBAN', 'bank_account', 'accountIban', 'payout']));
}
for (const v of ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'ES9121000418450200051332', 'IT60X0542811101000000123456', 'BE68539007547034', 'CH9300762011623852957', 'GB82 WEST 1234 5698 7654 32']) pos('iban', 'iban', v, 'iban');
for (let i = 0; i < 20; i++) {
  const v = iban(pick(Object.keys(ibanLens)));
  const bad = v.slice(0, 2) + String((+v.slice(2, 4) + int(1, 9)) % 100).padStart(2, '0') + v.slice(4);
  neg('iban', bad, pick([undefined, 'iban']), undefined, 'check digits wrong');
}
for (let i = 0; i < 8; i++) neg('iban', iban('DE').slice(0, -1), 'iban', undefined, 'wrong length');
for (const v of ['US12345678901234567890', 'DEUTDEFF', 'DEUTDEFF500', 'DE136695976', 'GB123456789', 'AB12CDEF3456GH78IJ90KL', 'XX00ABCD12345678901234', 'ORDER2024ABCDEF123456', 'SKU123456789012345678', 'ABCD1234EFGH5678IJKL90', 'PL00000000000000000000000000', 'EN-US-1234567890123456']) neg('iban', v, pick([undefined, 'reference']));

// ---- us-ssn
const ssnNames = ['ssn', 'SSN', 'social_security_number', 'socialSecurityNumber', 'taxpayer_id'];
for (let i = 0; i < 40; i++) {
  let area;
  do area = int(1, 899); while (area === 666);
  const d = [String(area).padStart(3, '0'), String(int(1, 99)).padStart(2, '0'), String(int(1, 9999)).padStart(4, '0')];
  const fmt = pick(['-', '-', ' ', '.', 'bare']);
  if (fmt === 'bare') pos('us-ssn', 'us-ssn', d.join(''), pick(ssnNames));
  else pos('us-ssn', 'us-ssn', d.join(fmt), pick([undefined, ...ssnNames]));
}
for (const v of ['000-12-3456', '666-12-3456', '900-12-3456', '999-45-6789', '123-00-4567', '123-45-0000', '078-05-1120', '219-09-9999', '12345-6789', '123-456-7890', '2024-01-15', 'ABC-12-3456', '123-45-67890', '1234-56-789', '123 45 678', '123-45.6789', '12-345-6789', '555-12-34']) neg('us-ssn', v, pick([undefined, 'ssn']));
for (let i = 0; i < 20; i++) neg('us-ssn', String(int(100000000, 899999999)), pick([undefined, 'id', 'account_number', 'zip4', 'customer_id']), undefined, 'bare 9 digits, no SSN name');

// ---- ip-address
for (let i = 0; i < 30; i++) pos('ip-address', 'ip-address', `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, pick([undefined, 'ip', 'clientIp', 'remote_addr', 'ipAddress', 'source_ip', 'x-forwarded-for']));
for (let i = 0; i < 15; i++) pos('ip-address', 'ip-address', [int(0x2001, 0x2a0f).toString(16), chars(HEX, 4).replace(/^0+/, '') || '0', chars(HEX, 3), '', chars(HEX, 4), int(1, 0xffff).toString(16)].join(':'), pick([undefined, 'ip', 'ipv6']));
for (const v of ['::ffff:192.0.2.1', 'fe80::1%eth0', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '10.0.0.1', '127.0.0.1']) pos('ip-address', 'ip-address', v, 'ip');
for (const [v, n] of [['1.2.3'], ['10.0.19041.1'], ['256.1.1.1'], ['1.2.3.04'], ['192.168.1'], ['aa:bb:cc:dd:ee:ff'], ['00:1A:2B:3C:4D:5E', 'mac'], ['12:34:56'], ['1:2:3:4'], ['1.2.3.4', 'version'], ['2.14.0.1', 'build'], ['std::cout'], ['1.3.6.1.4.1.311'], ['3.14159265'], ['2024.01.15.1'], ['1.2.3.4.5'], ['999.999.999.999'], ['0x7f000001'], ['2130706433', 'ip', 'integer form'], ['localhost', 'ip'], ['example.com', 'host'], ['12345:db8::1'], ['2001::db8::1'], ['gggg::1'], ['10:30'], ['v1.2.3.4'], ['1.0.0.0-beta'], ['4.4.4.4.4'], ['::', 'ip', 'unspecified, too short to mean anything'], ['1.1', 'ip'], ['1.2.3.4/', 'version'], ['300.168.1.1'], ['192.168.1.256'], ['12.34'], ['1.2.3.400'], ['ab:cd'], ['dead:beef'], ['2001:db8:::1'], ['1::2::3'], ['10.0.0.1', 'version']]) neg('ip-address', v, n);

// ---- date-of-birth
const dobNames = ['dob', 'dateOfBirth', 'birth_date', 'birthDate', 'birthday', 'date_of_birth', 'DOB'];
const pad = (x) => String(x).padStart(2, '0');
for (let i = 0; i < 42; i++) {
  const y = int(1930, 2010), m = int(1, 12), d = int(1, 28);
  const v = pick([`${y}-${pad(m)}-${pad(d)}`, `${pad(d)}/${pad(m)}/${y}`, `${pad(m)}/${pad(d)}/${y}`, `${pad(d)}.${pad(m)}.${y}`, `${y}${pad(m)}${pad(d)}`, `${y}-${pad(m)}-${pad(d)}T00:00:00Z`]);
  pos('date-of-birth', 'date-of-birth', v, pick(dobNames));
}
for (let i = 0; i < 15; i++) {
  const y = int(2015, 2025), m = int(1, 12), d = int(1, 28);
  neg('date-of-birth', `${y}-${pad(m)}-${pad(d)}`, pick(['createdAt', 'updated_at', 'date', 'orderDate', 'expires', 'shipDate', 'timestamp']));
}
for (const v of ['1990-02-30', '1991-02-29', '1990-13-01', '1990-04-31', '2099-01-01', '1850-05-05', 'unknown', 'N/A', '1990', '90-01-01', '32/01/1990', '00/00/0000', '1990-00-10', 'yesterday', '19900230', '1234567890', '2999-12-31T00:00:00Z', 'true']) neg('date-of-birth', v, pick(dobNames));
for (const v of ['1990-05-17', '17/05/1990']) neg('date-of-birth', v, undefined, undefined, 'a date, but nothing says birth');

// ---- person-name
const nameNames = ['firstName', 'lastName', 'full_name', 'givenName', 'surname', 'family_name', 'cardholderName', 'customer_name', 'middleName', 'recipientName'];
for (let i = 0; i < 30; i++) {
  const n = pick(nameNames);
  const v = /first|given|middle/i.test(n) ? pick(firsts) : /last|surname|family/i.test(n) ? pick(lasts) : `${pick(firsts)} ${pick(lasts)}`;
  pos('person-name', 'person-name', v, n);
}
for (let i = 0; i < 15; i++) pos('person-name', 'person-name', `${pick(firsts)} ${pick(lasts)}`, pick(['name', 'displayName']), pick(['customer', 'user', 'contact', 'billing', 'shipping', 'owner', 'author', 'recipient', 'patient', 'customers']));
for (const v of ['李小龙', 'Nguyễn Văn An', 'Mary-Jane Watson', 'J. R. R. Tolkien', 'JANE DOE']) pos('person-name', 'person-name', v, 'fullName');
for (const [v, n, p] of [['Blue Cotton Shirt', 'name', 'product'], ['Premium Plan', 'name', 'plan'], ['orders-service', 'name', 'service'], ['Widget', 'name', 'item'], ['ACTIVE', 'lastName'], ['n/a', 'firstName'], ['user123', 'firstName'], ['{{lastName}}', 'lastName'], ['string', 'fullName'], ['', 'firstName'], ['jdoe42', 'username'], ['Jane Doe', 'title'], ['Jane Doe', 'description'], ['Default Workspace', 'name', 'workspace'], ['us-east-1', 'name', 'region'], ['Production', 'name', 'environment'], ['Chrome 120', 'name', 'browser'], ['Kubernetes Cluster', 'name', 'cluster'], ['Electronics', 'name', 'category'], ['Invoice #4411', 'name', 'document'], ['null', 'lastName'], ['TBD', 'firstName'], ['1234', 'firstName'], ['a', 'firstName'], ['Visa', 'name', 'card'], ['Sales Team', 'name', 'team'], ['main', 'name', 'branch'], ['admin', 'firstName'], ['test', 'lastName'], ['John_Doe', 'fullName'], ['jane@example.com', 'fullName', undefined], ['Q3 Report', 'name', 'file'], ['New York', 'name', 'city'], ['Acme Corp', 'name', 'company'], ['Dark Mode', 'name', 'theme'], ['GET /users', 'name', 'route'], ['Pending Review', 'name', 'status'], ['ping', 'name', 'check'], ['Lorem Ipsum Dolor Sit Amet Consectetur', 'fullName'], ['true', 'firstName']]) {
  if (v === 'jane@example.com') add('person-name', { value: v, name: n, expect: 'email' });
  else neg('person-name', v, n, p);
}

// ---- postal-address
const streets = ['Baker Street', 'Rue de Rivoli', 'Hauptstraße', 'Main St', 'Elm Avenue', 'Via Roma', 'Calle Mayor', 'Oak Lane', 'Sunset Blvd', 'Queen’s Road'];
const cities = ['London NW1 6XE', 'Paris 75001', '10115 Berlin', 'Springfield, IL 62704', 'Roma 00185', 'Madrid 28013', 'Dublin D02 X285', 'Los Angeles, CA 90028'];
const addrNames = ['address', 'streetAddress', 'shipping_address', 'billingAddress', 'home_address', 'mailingAddress', 'address1', 'addressLine1'];
for (let i = 0; i < 40; i++) {
  const v = pick([`${int(1, 999)} ${pick(streets)}, ${pick(cities)}`, `${pick(streets)} ${int(1, 200)}, ${pick(cities)}`, `${int(1, 99)} ${pick(streets)}`, `Apt ${int(1, 40)}, ${int(1, 500)} ${pick(streets)}`]);
  pos('postal-address', 'postal-address', v, pick(addrNames));
}
for (let i = 0; i < 6; i++) pos('postal-address', 'postal-address', `${int(1, 999)} ${pick(streets)}`, pick(['line1', 'street']), pick(['address', 'shippingAddress', 'billing']));
for (const [v, n, p, e] of [['10.0.0.1', 'address', undefined, 'ip-address'], ['jane@example.com', 'emailAddress', undefined, 'email'], ['192.168.0.12', 'ipAddress', undefined, 'ip-address'], ['aa:bb:cc:dd:ee:ff', 'macAddress'], ['0x52908400098527886E0F7030069857D2E4169EE7', 'walletAddress'], ['N/A', 'address'], ['https://example.com/a b', 'address'], ['db.internal:5432', 'serverAddress'], ['Welcome back 2 you', 'line1', 'banner'], ['same as shipping', 'billingAddress'], ['0.0.0.0:8080', 'bindAddress'], ['unknown', 'address'], ['', 'address'], ['123', 'address'], ['Order 123 shipped', 'message'], ['12 items in cart', 'summary'], ['Version 2 release notes', 'title'], ['Chapter 7 Section 3', 'heading'], ['3 Main St', 'query'], ['Step 1 of 3', 'line1', 'wizard']]) {
  if (e) add('postal-address', { value: v, name: n, expect: e });
  else neg('postal-address', v, n, p);
}
for (let i = 0; i < 20; i++) neg('postal-address', `${pick(['Order', 'Ticket', 'Build', 'Room', 'Batch'])} ${int(1, 9999)} ${pick(['created', 'updated', 'queued', 'closed'])}`, pick(['status', 'message', 'title', 'note', 'comment']));

// ---- geolocation (json cases are scanned as a body; value cases classified alone)
const geoJson = (file, expect, json, note) => add(file, clean({ json, expect, note }));
for (let i = 0; i < 25; i++) {
  const lat = (rnd() * 170 - 85).toFixed(int(3, 6)), lon = (rnd() * 350 - 175).toFixed(int(3, 6));
  const shape = pick(['latlon', 'latlng', 'full', 'geojson', 'str']);
  if (shape === 'latlon') geoJson('geolocation', 'geolocation', { store: { id: int(1, 99), lat: +lat, lon: +lon } });
  else if (shape === 'latlng') geoJson('geolocation', 'geolocation', { location: { lat: +lat, lng: +lon }, accuracy: 12 });
  else if (shape === 'full') geoJson('geolocation', 'geolocation', { device: { latitude: lat, longitude: lon } });
  else if (shape === 'geojson') geoJson('geolocation', 'geolocation', { type: 'Feature', geometry: { type: 'Point', coordinates: [+lon, +lat] } });
  else pos('geolocation', 'geolocation', `${lat},${lon}`, pick(['location', 'coords', 'latlng', 'gps', 'geo']));
}
for (let i = 0; i < 20; i++) pos('geolocation', 'geolocation', `${(rnd() * 170 - 85).toFixed(4)}, ${(rnd() * 350 - 175).toFixed(4)}`, pick(['location', 'coordinates', 'geolocation', 'lat_lng']));
for (const j of [{ lat: 0, lon: 0 }, { lat: 51, lon: 0 }, { lat: 123.456, lon: 10.123 }, { lat: 45.12, lon: 190.55 }, { x: 51.5074, y: -0.1278 }, { zoom: 12.75, bearing: 45.5 }, { price: 51.5, tax: 10.25 }, { lat: '51.5', lon: 'abc' }, { latitude: null, longitude: null }, { coordinates: [1, 2] }, { coordinates: [1.5, 2.5, 3.5] }, { width: 51.5074, height: 12.3456 }, { lat: 51.5074 }, { lon: -0.1278 }, { score: 0.9876, confidence: 0.1234 }, { ratio: 1.618, pi: 3.14159 }, { lat: 1e-7, lon: 2e-7 }, { temp: 21.55, humidity: 45.23 }, { min: -12.345, max: 67.891 }, { lat: 90.5, lng: 0.55 }]) geoJson('geolocation', null, j);
for (const [v, n] of [['London, UK', 'location'], ['51,0', 'location'], ['Room 12', 'location'], ['1.5', 'position'], ['first', 'position'], ['123.45,678.90', 'coords'], ['https://maps.example.com', 'location'], ['12:30', 'location'], ['51.5074,-0.1278', 'version'], ['us-east-1', 'location'], ['0.00,0.00', 'location'], ['1.2.3', 'location'], ['top-left', 'position'], ['45.12', 'latitude'], ['51.5074,-0.1278,12.5,8.1', 'bbox'], ['3.50,7.25', 'price_range'], ['1920,1080', 'resolution'], ['10.5,20.5', 'size'], ['99.99,49.99', 'prices'], ['4.5,3.2', 'ratings']]) neg('geolocation', v, n);

// ---- password
const pwNames = ['password', 'passwd', 'pwd', 'new_password', 'confirmPassword', 'currentPassword', 'user_password', 'passphrase', 'db_pass', 'PASSWORD'];
for (let i = 0; i < 42; i++) pos('password', 'password', pick([chars(ALNUM + '!@#$%^&*', int(8, 20)), `${pick(['Summer', 'Winter', 'Hunter', 'Dragon', 'Monkey'])}${int(1, 2025)}${pick(['!', '', '#'])}`, chars(LOW, int(6, 12)), 'correct horse battery staple']), pick(pwNames));
for (const [v, n] of [['********', 'password'], ['••••••••', 'password'], ['${DB_PASSWORD}', 'password'], ['{{password}}', 'password'], ['<password>', 'password'], ['null', 'password'], ['', 'password'], ['min 8 chars, 1 digit', 'passwordPolicy'], ['true', 'password_reset_required'], ['2025-01-01', 'passwordExpiresAt'], ['strong', 'passwordStrength'], ['12', 'passwordLength'], ['xxxxxxxx', 'pwd'], ['$DB_PASS', 'password'], ['%(password)s', 'password'], ['REDACTED', 'password'], ['hidden', 'password'], ['ab', 'password'], ['https://example.com/reset', 'passwordResetUrl'], ['bcrypt', 'passwordHashAlgorithm'], ['sha256', 'password_hash_type'], ['weak', 'password_score'], ['true', 'passwordless'], ['2024-06-01T00:00:00Z', 'password_changed_at'], ['email', 'password_reset_method'], ['3', 'password_attempts'], ['Forgot password?', 'label'], ['hunter2', 'username'], ['P@ssw0rd!', 'comment'], ['correct horse', 'title'], ['#######', 'password'], ['undefined', 'password'], ['None', 'password'], ['masked', 'pwd'], ['%PASSWORD%', 'password'], ['<redacted>', 'passwd'], ['true', 'password'], ['false', 'password'], ['n/a', 'password'], ['------', 'password']]) neg('password', v, n);

// ---- jwt
const b64u = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const jwtOf = (h, p, sig = chars(B64URL, 43)) => `${b64u(h)}.${b64u(p)}.${sig}`;
for (let i = 0; i < 42; i++) {
  const alg = pick(['HS256', 'RS256', 'ES256', 'PS512', 'EdDSA', 'none']);
  const claims = { sub: String(int(1, 99999)), iat: 1700000000 + int(0, 1e7), ...(rnd() < 0.7 && { exp: 1700003600 + int(0, 1e7) }), ...(rnd() < 0.4 && { email: 'jane@example.com' }), ...(rnd() < 0.5 && { iss: 'https://auth.example.com/' }), ...(rnd() < 0.3 && { scope: 'read write' }) };
  pos('jwt', 'jwt', jwtOf({ alg, typ: 'JWT', ...(rnd() < 0.5 && { kid: chars(ALNUM, 8) }) }, claims, alg === 'none' ? '' : chars(B64URL, alg.startsWith('HS') ? 43 : 86)), pick([undefined, 'token', 'access_token', 'id_token', 'jwt', 'refreshToken']));
}
for (const [v, note] of [['eyJhbGciOiJIUzI1NiJ9', 'header only'], [`${b64u({ alg: 'HS256' })}.${b64u('not json')}.${chars(B64URL, 43)}`, 'payload not JSON'], [`${b64u({ foo: 'bar' })}.${b64u({ sub: '1' })}.${chars(B64URL, 43)}`, 'no alg'], [`eyJ${chars(B64URL, 30)}.eyJ${chars(B64URL, 40)}.${chars(B64URL, 43)}`, 'random after eyJ'], ['abc.def.ghi'], ['1.2.3'], ['com.example.app'], ['eyJhbGciOiJSUzI1NiJ.eyJzdWIiOiIxIn0.abc', 'truncated header'], ['{"alg":"HS256"}.{"sub":"1"}.sig'], ['bm90X2pzb24.bm90X2pzb24.c2ln'], [`${b64u({ alg: 'HS256' })}.${b64u({ sub: '1' })}.${b64u({ sub: '1' })}.${chars(B64URL, 20)}`, 'four parts'], [`${b64u({ alg: 'HS256' })}.${b64u([1, 2])}.${chars(B64URL, 43)}`, 'payload array'], ['eyJ', 'prefix'], ['eyJhbGciOiJIUzI1NiJ9..', 'empty payload'], ['www.example.com'], ['v1.2.3-eyJ'], ['a.b.c.d.e'], ['data.json.gz'], ['eyJhbGciOiJIUzI1NiJ9.e30', 'payload {} only 3 chars']]) neg('jwt', v, pick([undefined, 'file', 'ref']), undefined, note);
for (let i = 0; i < 21; i++) neg('jwt', `${chars(ALNUM, int(5, 20))}.${chars(ALNUM, int(5, 30))}.${chars(ALNUM, int(5, 30))}`, pick([undefined, 'ref', 'version', 'file']), undefined, 'three dotted parts, not base64 JSON');

// ---- bearer-token / basic-auth (Authorization header values)
for (let i = 0; i < 40; i++) pos('authorization', 'bearer-token', `Bearer ${pick([chars(ALNUM, 32), chars(HEX, 40), chars(B64URL, 64), `${chars(HEX, 8)}-${chars(HEX, 4)}-${chars(HEX, 4)}-${chars(HEX, 4)}-${chars(HEX, 12)}`])}`, pick(['authorization', 'Authorization', 'proxy-authorization']));
for (let i = 0; i < 40; i++) pos('authorization', 'basic-auth', `Basic ${Buffer.from(`${pick(['admin', 'jane', 'svc-backup', 'api', 'user@example.com'])}:${chars(ALNUM, int(6, 20))}`).toString('base64')}`, pick(['authorization', 'Authorization']));
for (let i = 0; i < 6; i++) pos('authorization', 'basic-auth', `https://${pick(['admin', 'deploy', 'u'])}:${chars(ALNUM, 12)}@${pick(['db.example.com', 'registry.example.org'])}/path`, pick([undefined, 'url', 'webhook', 'dsn']));
for (const [v, n] of [['Bearer', 'authorization'], ['Bearer ${TOKEN}', 'authorization'], ['Bearer <token>', 'authorization'], ['Bearer xxxxxxxxxxxx', 'authorization'], ['Bearer ****', 'authorization'], ['Basic Zm9vYmFy', 'authorization'], ['Basic !!!notbase64', 'authorization'], ['Basic ...', 'authorization'], ['Digest username="jane", realm="api", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="6629fae49393a05397450978507c4ef1"', 'authorization'], ['Negotiate', 'authorization'], ['none', 'authorization'], ['Bearer null', 'authorization'], ['Bearer undefined', 'authorization'], ['Bearer {{token}}', 'authorization'], ['Basic', 'authorization'], ['Bearer abc', 'authorization'], ['https://example.com/path', 'url'], ['https://user@example.com/', 'url'], ['https://user:${PASS}@example.com/', 'dsn'], ['https://user:****@example.com/', 'dsn'], ['mailto:jane@example.com', 'link'], ['Bearer realm="example"', 'www-authenticate'], ['Basic realm="Access to staging"', 'www-authenticate'], ['bearer', 'token_type'], ['Bearer', 'tokenType'], ['Basic', 'scheme'], ['AWS4-HMAC-SHA256', 'algorithm'], ['OAuth realm="Example"', 'authorization'], ['Bearer         ', 'authorization'], ['Token', 'authorization'], ['Bearer x', 'authorization'], ['Bearer 12345', 'authorization'], ['Basic =', 'authorization'], ['Basic dXNlcg==', 'authorization'], ['ftp://ftp.example.com/pub', 'url'], ['http://localhost:5000/<%= @variable %>', 'url'], ['"https://url:8000";@something else', 'note'], ['https://url:8000 @something else', 'note'], ['Bearer eyJ', 'authorization'], ['Bearer XXXXXXXXXXXXXXXX', 'authorization']]) neg('authorization', v, n);

// ---- cloud and SaaS keys
const keyGen = {
  'aws-access-key': () => pick(['AKIA', 'ASIA']) + chars(B32, 16),
  'stripe-key': () => pick(['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_']) + chars(ALNUM, pick([24, 34, 99])),
  'github-token': () => (rnd() < 0.8 ? pick(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) + chars(ALNUM, 36) : `github_pat_${chars(ALNUM, 22)}_${chars(ALNUM, 59)}`),
  'slack-token': () => pick([`xoxb-${chars(DIG, 12)}-${chars(DIG, 13)}-${chars(ALNUM, 24)}`, `xoxp-${chars(DIG, 11)}-${chars(DIG, 12)}-${chars(DIG, 12)}-${chars(HEX, 32)}`, `xoxa-2-${chars(DIG, 11)}-${chars(DIG, 12)}-${chars(HEX, 32)}`, `xoxs-${chars(DIG, 10)}-${chars(DIG, 10)}-${chars(DIG, 10)}-${chars(HEX, 10)}`]),
  'google-api-key': () => 'AIza' + chars(ALNUM + '-_', 35),
  'sendgrid-key': () => `SG.${chars(B64URL, 22)}.${chars(B64URL, 43)}`,
  'twilio-key': () => pick(['AC', 'SK']) + chars(HEX, 32),
  'mailgun-key': () => 'key-' + chars(DIG + LOW, 32),
  'mailchimp-key': () => `${chars(HEX, 32)}-us${int(1, 21)}`,
  'openai-key': () => pick([`sk-${chars(ALNUM, 20)}T3BlbkFJ${chars(ALNUM, 20)}`, `sk-proj-${chars(B64URL, 40)}T3BlbkFJ${chars(B64URL, 40)}`]),
  'private-key': () => {
    const kind = pick(['RSA ', 'EC ', 'OPENSSH ', '', 'ENCRYPTED ']);
    const body = Array.from({ length: int(3, 12) }, () => chars(ALNUM + '+/', 64)).join('\n');
    return `-----BEGIN ${kind}PRIVATE KEY-----\n${body}\n-----END ${kind}PRIVATE KEY-----`;
  },
};
for (const [type, gen] of Object.entries(keyGen)) for (let i = 0; i < 42; i++) pos('cloud-keys', type, gen(), pick([undefined, 'key', 'api_key', 'token', 'config', 'value', 'secret']));
const keyNegs = [
  'AKIAXXXXXXXXXXXXXXXX', 'AKIAIOSFODNN7EXAMPLE', 'AKIAZZZZZZZZZZZZZZZZ', 'akiaabcdefghijklmnop', 'AKIA1234', 'TODAYINASIAASACKOFRICEFELLOVER', 'AKIAABCDEFGHIJKLMNOP1', 'AKIA0189ABCDEFGHIJKL', 'ASIA',
  'pk_live_j5krY8XTgIcDaHDb3YrsAfCl', 'pk_test_TYooMQauvdEDq54NiTphI7jx', 'sk_live_', 'sk_live_short', 'sk_dev_abcdefghijklmnop', 'sk-live-4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
  'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'foo_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx', 'ghp_short', 'github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ghx_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx',
  'xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx', 'xoxb-xxx', 'xoxb-abcdef-abcdef', 'xoxb-Slack_BOT_TOKEN', 'xoxz-523423-234243-234233-e039d02840a0b9379c', 'xoxp-1234567890', 'xoxo-indieweb-1.jpg', '2018-250-xoxo-indieweb-1.jpg',
  'AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'AIzaShort', 'AIZASYCO2CXRMC9ELSKLHLHRMBSWDEVEDZTLO2O', 'AIza' + 'x'.repeat(35), 'AIza-sample',
  'SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr', 'AG.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr', 'SG.short.short', 'SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'AC00000000000000000000000000000000', 'ACCOUNT_SID_PLACEHOLDER_VALUE_1234', 'AC' + 'ABCDEF0123456789'.repeat(2), 'SKU-2024-000123-ABCDEFGHIJKLMNOPQR', 'SK12345',
  'key-short', 'key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'key-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 'keyboard-layout-us-international', 'key-value-store',
  '3ea4572956e2b381923ed34c31db76aa-2', 'aea462953eb192d38c31a433e76257db-al32', '9276a43e2951aa46e2b1c33ED38357DB-us2', '3a5633e829d3c71-us2', 'en-us', 'locale-en-us1',
  'sk-abc', 'sk-proj-short', 'sk-' + 'a'.repeat(48), 'task-1234567890abcdef1234567890abcdef12345678901234',
  '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----', '-----BEGIN PUBLIC KEY-----\n' + chars(ALNUM, 64) + '\n-----END PUBLIC KEY-----', '-----BEGIN CERTIFICATE-----\n' + chars(ALNUM, 64) + '\n-----END CERTIFICATE-----', '-----BEGIN RSA PRIVATE KEY-----\nsuper secret private key here\n-----END RSA PRIVATE KEY-----',
];
for (const v of keyNegs) neg('cloud-keys', v, pick([undefined, 'config', 'value', 'ref']));

// ---- generic-secret / session-token (high entropy under secret names)
const secretNames = ['api_key', 'apiKey', 'secret', 'client_secret', 'access_token', 'refreshToken', 'x-api-key', 'token', 'auth_token', 'private_key', 'secretKey', 'credentials', 'webhookSecret', 'signing_key'];
for (let i = 0; i < 45; i++) pos('secrets', 'generic-secret', pick([chars(ALNUM, int(20, 48)), chars(HEX, pick([32, 40, 64])), chars(B64URL, int(22, 64)), Buffer.from(chars(ALNUM, 30)).toString('base64'), `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-a${chars(HEX, 3)}-${chars(HEX, 12)}`]), pick(secretNames));
for (let i = 0; i < 42; i++) pos('secrets', 'session-token', pick([chars(ALNUM, 32), chars(HEX, 32), `s%3A${chars(B64URL, 32)}.${chars(B64URL, 43)}`.replace('%3A', ':'), chars(B64URL, 40)]), pick(['session', 'sessionId', 'JSESSIONID', 'PHPSESSID', 'sid', 'connect.sid', 'session_token', 'ASP.NET_SessionId']));
for (const [v, n] of [['user_settings', 'key'], ['dark-mode', 'key'], ['Bearer', 'token_type'], ['en-US', 'key'], ['cache:user:123', 'key'], ['aaaaaaaaaaaaaaaaaaaaaaaa', 'secret'], ['password123password123', 'token'], ['this-is-my-token-name', 'token'], ['com.example.app.key', 'api_key'], ['YOUR_API_KEY_HERE', 'api_key'], ['<your-api-key>', 'apiKey'], ['${API_KEY}', 'api_key'], ['changeme', 'secret'], ['1700000000000', 'token'], ['12345678901234567890', 'token'], ['ABCDEFGHIJKLMNOPQRSTUVWX', 'secret'], ['abcdefghijklmnopqrstuvwx', 'secret'], ['true', 'secret'], ['3600', 'token_expiry'], ['2024-01-01T00:00:00Z', 'token_expires_at'], ['https://auth.example.com/token', 'token_url'], ['550e8400-e29b-41d4-a716-446655440000', 'key_id'], ['550e8400-e29b-41d4-a716-446655440000', 'clientId'], ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hash'], ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'sha256'], ['5d41402abc4b2a76b9719d911017c592', 'etag'], ['d41d8cd98f00b204e9800998ecf8427e', 'checksum'], ['eyJwYWdlIjoyfQ', 'next_page_token'], ['dGhpcyBpcyBhIGN1cnNvcg==', 'cursor'], ['507f1f77bcf86cd799439011', 'id'], ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'request_id'], ['0ujsszwN8NRY24YaXiTIE2VWDTS', 'trace_id'], ['9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit', 'public_key'], ['pk_live_j5krY8XTgIcDaHDb3YrsAfCl', 'publishableKey'], ['session_expired', 'session'], ['keep-alive', 'session'], ['deleted', 'sessionid'], ['1', 'session'], ['en', 'session_lang'], ['2', 'session_count'], ['1800', 'session_timeout'], ['tracking-consent-given', 'session']]) neg('secrets', v, n);

// ---- look-alikes with no telling name
const lookalikes = [
  ...Array.from({ length: 15 }, () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${chars(HEX, 3)}-${chars(HEX, 12)}`),
  ...Array.from({ length: 10 }, () => String(1600000000 + int(0, 2e8))),
  ...Array.from({ length: 10 }, () => String(1600000000000 + int(0, 2e11))),
  ...Array.from({ length: 8 }, () => chars(HEX, pick([32, 40, 64]))),
  ...Array.from({ length: 10 }, () => pick(['ORD-', 'INV-', 'PO-', '#', 'A-', 'TKT-']) + String(int(2020, 2026)) + '-' + chars(DIG, 6)),
  ...Array.from({ length: 10 }, () => String(int(10000000, 99999999)) + String(int(10, 99))),
  ...Array.from({ length: 6 }, () => `${int(0, 20)}.${int(0, 40)}.${int(0, 300)}`),
  ...Array.from({ length: 6 }, () => chars(HEX, 24)),
  ...Array.from({ length: 6 }, () => `${int(1, 999)}.${pad(int(0, 99))}`),
  ...Array.from({ length: 6 }, () => String(int(10000, 99999))),
  ...Array.from({ length: 6 }, () => `${int(2000, 2026)}-${pad(int(1, 12))}-${pad(int(1, 28))}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}.${chars(DIG, 3)}Z`),
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
  'The quick brown fox jumps over the lazy dog', '#ff00aa', 'rgba(0, 0, 0, 0.5)', '/api/v1/users/{id}/orders', 'https://cdn.example.com/img/logo@2x.png', 'application/vnd.api+json',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36', 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', 'W/"5d41402abc4b2a76b9719d911017c592"', 'v2.14.3-rc.1+build.20240115',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV', '0ujsszwN8NRY24YaXiTIE2VWDTS', '507f1f77bcf86cd799439011', 'arn:aws:s3:::my-bucket/path/to/object', 'projects/my-project/locations/us-central1', 'com.example.android.app',
  'EUR 1,234.56', '$1,299.00', '(555)', '12:34:56', '2024-01-15', 'P1Y2M10DT2H30M', 'en-US,en;q=0.9', 'gzip, deflate, br', 'max-age=31536000; includeSubDomains', 'SELECT * FROM users WHERE id = 1',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789012345678901234567890', '1.0000000000000002', '3.141592653589793', 'NaN', 'Infinity', '-1', '0000000000000000', '9999999999999999', 'ISBN 978-0-306-40615-7',
  'MIT License', 'c3VwZXJzZWNyZXQ=', 'true', 'false', 'null', 'undefined', '[object Object]', 'ERR_CONNECTION_REFUSED', 'E11000 duplicate key error', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  'sk-', 'AKIA', 'ghp_', 'xoxb-', 'eyJ', 'SG.', 'key-', '-----BEGIN', 'Bearer', 'Basic', '90210-1234', '12345-6789', 'SW1A 1AA', 'K1A 0B1', '75008', 'DE-10115',
];
for (const v of lookalikes) neg('lookalikes', v, undefined);
for (const v of lookalikes.slice(0, 60)) neg('lookalikes', v, pick(['id', 'uuid', 'created_at', 'timestamp', 'order_id', 'version', 'sku', 'etag', 'hash', 'image', 'description', 'price', 'zip', 'count']));

mkdirSync(outDir, { recursive: true });
let total = 0;
for (const [file, cases] of Object.entries(sets)) {
  writeFileSync(join(outDir, `${file}.json`), JSON.stringify({ file, generated: 'bench/sensitive/make-labelled.mjs', cases }, null, 1) + '\n');
  total += cases.length;
  const p = cases.filter((c) => c.expect).length;
  console.log(`${file.padEnd(16)} ${String(cases.length).padStart(4)} cases  ${String(p).padStart(4)} positive  ${String(cases.length - p).padStart(4)} negative`);
}
console.log(`total ${total}`);
