/**
 * Field names as evidence. A name is split into words (camelCase, snake_case,
 * kebab-case, dots), lower-cased, and looked up in one Map: first the whole
 * name, then its last two words, then its last word. So `billingPhoneNumber`
 * finds `phonenumber`, `e_mail` finds `email`, and `ipAddress` is claimed by
 * `ipaddress` before `address` can claim it.
 */

export type NameHint =
  | 'email'
  | 'phone'
  | 'card'
  | 'iban'
  | 'ssn'
  | 'ip'
  | 'dob'
  | 'person-name'
  /** Bare "name": a person only when the parent object is a person. */
  | 'name'
  | 'address'
  | 'street'
  | 'lat'
  | 'lon'
  | 'geo'
  | 'password'
  | 'secret'
  | 'session'
  | 'authorization'
  /** Names that say the value is not sensitive whatever it looks like (ids, times, counts, versions). */
  | 'not-sensitive';

const table: Array<[NameHint, string[]]> = [
  ['email', ['email', 'mail', 'emailaddress', 'emailaddr', 'mailaddress', 'useremail', 'contactemail', 'emailid']],
  ['phone', ['phone', 'phonenumber', 'phoneno', 'telefon', 'telefono', 'telefone', 'movil', 'handy', 'portable', 'phonenum', 'tel', 'telephone', 'telno', 'telephonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'mobileno', 'cell', 'cellphone', 'cellnumber', 'msisdn', 'fax', 'faxnumber', 'whatsapp', 'contactnumber', 'homephone', 'workphone']],
  ['card', ['card', 'cardno', 'cardnum', 'cardnumber', 'ccnum', 'ccnumber', 'cc', 'ccno', 'creditcard', 'creditcardnumber', 'debitcard', 'pan', 'primaryaccountnumber', 'cardpan', 'paymentcard']],
  ['iban', ['iban', 'ibannumber', 'ibancode', 'bankaccount', 'accountiban']],
  ['ssn', ['ssn', 'socialsecuritynumber', 'socialsecurityno', 'socialsecurity', 'ssnumber', 'taxpayerid', 'ssnlast']],
  ['ip', ['ip', 'ipaddress', 'ipaddr', 'ipv4', 'ipv6', 'clientip', 'remoteip', 'remoteaddr', 'remoteaddress', 'sourceip', 'srcip', 'dstip', 'userip', 'forwardedfor', 'xforwardedfor', 'xrealip', 'realip', 'peerip', 'hostip', 'serverip', 'lastip', 'lastloginip']],
  ['dob', ['dob', 'birthdate', 'dateofbirth', 'birthday', 'birthdt', 'bday', 'datebirth', 'bdate', 'birth']],
  ['person-name', ['firstname', 'lastname', 'fullname', 'givenname', 'familyname', 'surname', 'middlename', 'forename', 'fname', 'lname', 'maidenname', 'legalname', 'customername', 'cardholder', 'cardholdername', 'holdername', 'accountholder', 'accountholdername', 'contactname', 'personname', 'recipientname', 'sendername', 'billingname', 'shippingname', 'patientname', 'employeename', 'passengername', 'guestname', 'nameoncard', 'realname']],
  ['name', ['name', 'displayname']],
  ['address', ['address', 'streetaddress', 'postaladdress', 'mailingaddress', 'homeaddress', 'billingaddress', 'shippingaddress', 'deliveryaddress', 'residentialaddress', 'addr', 'fulladdress', 'addressline', 'addressline1', 'addressline2', 'address1', 'address2']],
  ['street', ['street', 'streetline', 'line1', 'line2', 'streetname']],
  ['lat', ['lat', 'latitude']],
  ['lon', ['lon', 'lng', 'long', 'longitude']],
  ['geo', ['geo', 'geolocation', 'latlng', 'latlon', 'latlong', 'coords', 'coordinates', 'gps', 'geopoint', 'location', 'position', 'geocode']],
  ['password', ['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'userpassword', 'newpassword', 'oldpassword', 'currentpassword', 'confirmpassword', 'passwordconfirmation', 'pword', 'pin', 'dbpass', 'dbpassword']],
  ['secret', ['secret', 'token', 'key', 'apikey', 'apitoken', 'apisecret', 'accesskey', 'secretkey', 'privatekey', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'bearertoken', 'clientsecret', 'appsecret', 'appkey', 'secretaccesskey', 'accesskeysecret', 'credential', 'credentials', 'auth', 'authkey', 'xapikey', 'signingkey', 'encryptionkey', 'masterkey', 'webhooksecret', 'consumersecret', 'consumerkey', 'oauthtoken', 'csrftoken', 'xsrftoken', 'xcsrftoken', 'xauthtoken', 'privatetoken', 'sharedsecret', 'licensekey', 'subscriptionkey', 'ocpapimsubscriptionkey', 'accountkey', 'sastoken', 'jwt']],
  ['session', ['session', 'sessionid', 'sessid', 'sid', 'jsessionid', 'phpsessid', 'aspnetsessionid', 'connectsid', 'sessiontoken', 'sessionkey', 'sessioncookie', 'authsession', 'usersession']],
  ['authorization', ['authorization', 'proxyauthorization']],
  ['not-sensitive', ['id', 'uuid', 'guid', 'orderid', 'ordernumber', 'orderno', 'invoice', 'invoiceid', 'invoicenumber', 'sku', 'timestamp', 'ts', 'time', 'createdat', 'updatedat', 'deletedat', 'expiresat', 'issuedat', 'date', 'created', 'updated', 'modified', 'count', 'total', 'amount', 'price', 'quantity', 'qty', 'version', 'ver', 'build', 'revision', 'etag', 'hash', 'checksum', 'sha', 'sha1', 'sha256', 'md5', 'digest', 'nonce', 'requestid', 'traceid', 'spanid', 'correlationid', 'tokentype', 'keyid', 'kid', 'publickey', 'pubkey', 'publishablekey', 'keyname', 'tokenurl', 'keytype', 'tokenendpoint', 'sessiontimeout', 'tokenexpiry', 'expiresin', 'page', 'limit', 'offset', 'size', 'length', 'zip', 'zipcode', 'postcode', 'postalcode', 'color', 'colour', 'currency', 'status', 'code', 'type', 'kind', 'format', 'locale', 'lang', 'language', 'country', 'countrycode', 'region', 'city', 'state', 'url', 'uri', 'href', 'link', 'path', 'filename', 'file', 'mimetype', 'contenttype', 'port', 'duration', 'elapsed', 'latency', 'score', 'rating', 'index', 'seq', 'sequence', 'cursor', 'nextcursor', 'pagetoken', 'nextpagetoken', 'continuationtoken', 'idempotencykey', 'cachekey', 'partitionkey', 'sortkey', 'primarykey', 'foreignkey', 'hotkey', 'shortcutkey', 'keycode', 'keyboard', 'passwordpolicy', 'passwordstrength', 'passwordlength', 'passwordexpiry', 'mac', 'macaddress', 'walletaddress', 'contractaddress', 'serveraddress', 'bindaddress', 'listenaddress', 'hostname', 'host', 'domain', 'ordertotal', 'productname', 'itemname', 'filesize', 'username', 'login', 'tokencount', 'maxtokens', 'tokens', 'keys', 'namespace', 'servicename', 'appname', 'hostname']],
];

const lookup = new Map<string, NameHint>();
for (const [hint, names] of table) for (const n of names) lookup.set(n, hint);

/**
 * Splits a name into lower-case words: "emailAddress" → ["email","address"],
 * "e_mail" → ["e","mail"], "X-Forwarded-For" → ["x","forwarded","for"], "ccNUM2" → ["cc","num","2"].
 */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  let cur = '';
  let prev = 0; // 0 none, 1 lower, 2 upper, 3 digit
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    let kind: number;
    if (c >= 97 && c <= 122) kind = 1;
    else if (c >= 65 && c <= 90) kind = 2;
    else if (c >= 48 && c <= 57) kind = 3;
    else {
      if (cur) words.push(cur.toLowerCase());
      cur = '';
      prev = 0;
      continue;
    }
    if (cur) {
      const next = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
      const nextLower = next >= 97 && next <= 122;
      // "emailAddress": lower→upper splits; "HTTPServer": the last upper of a run starts a word; digits split.
      if ((prev === 1 && kind === 2) || (prev === 2 && kind === 2 && nextLower) || (prev === 3) !== (kind === 3)) {
        words.push(cur.toLowerCase());
        cur = '';
      }
    }
    cur += name[i];
    prev = kind;
  }
  if (cur) words.push(cur.toLowerCase());
  return words;
}

/** "emailAddress", "email_address", "Email-Address" → "emailaddress". */
export function compactName(name: string): string {
  return nameWords(name).join('');
}

const cache = new Map<string, NameHint | null>();
const CACHE_MAX = 20000;

/** The sensitive-data hint a field name gives, if any. Cached: the same names recur in every exchange. */
export function nameHint(name: string): NameHint | undefined {
  const hit = cache.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const hint = computeHint(name);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(name, hint ?? null);
  return hint;
}

function computeHint(name: string): NameHint | undefined {
  const words = nameWords(name);
  const n = words.length;
  if (n === 0) return undefined;
  const whole = words.join('');
  const direct = lookup.get(whole);
  if (direct) return direct;
  if (n >= 2) {
    const two = lookup.get(words[n - 2]! + words[n - 1]!);
    if (two) return two;
  }
  const last = words[n - 1]!;
  // "password_hash", "token_expiry", "key_id": a trailing qualifier turns a secret name into metadata.
  if (n >= 2 && qualifiers.has(last)) return 'not-sensitive';
  const one = lookup.get(last) ?? (last.length > 3 && last.endsWith('s') ? lookup.get(last.slice(0, -1)) : undefined);
  if (one) return one;
  // "passwordPolicy" is handled by qualifiers; "userPasswordConfirm" etc. by the first secret word.
  for (let i = n - 2; i >= 0; i--) {
    const w = lookup.get(words[i]!);
    if (w === 'password' || w === 'email' || w === 'phone') return w;
  }
  return undefined;
}

const qualifiers = new Set([
  'id', 'ids', 'type', 'types', 'expiry', 'expires', 'expiration', 'exp', 'at', 'ttl', 'url', 'uri', 'endpoint', 'name', 'length', 'len', 'size', 'count',
  'policy', 'strength', 'hint', 'verified', 'enabled', 'required', 'set', 'changed', 'reset', 'version', 'hash', 'format', 'status', 'valid', 'domain', 'path',
  'timeout', 'age', 'in', 'kind', 'algorithm', 'alg', 'method', 'scheme', 'attempts', 'score', 'changed', 'rules', 'rule', 'hint', 'label', 'prefix', 'suffix', 'mask', 'masked', 'last4', 'last', 'provider', 'index', 'field',
]);

/** Parent object names that make a bare "name" a person's name. */
const personParents = new Set([
  'customer', 'user', 'person', 'contact', 'owner', 'author', 'recipient', 'sender', 'billing', 'shipping', 'profile', 'account', 'member', 'patient',
  'employee', 'holder', 'cardholder', 'passenger', 'guest', 'buyer', 'payer', 'payee', 'beneficiary', 'applicant', 'client', 'student', 'driver',
  'traveler', 'traveller', 'emergencycontact', 'spouse', 'subscriber', 'signer', 'consignee', 'shipto', 'billto', 'me', 'agent', 'manager', 'reviewer',
]);

const personParentCache = new Map<string, boolean>();

export function isPersonParent(parent: string | undefined): boolean {
  if (!parent) return false;
  let r = personParentCache.get(parent);
  if (r === undefined) {
    r = computePersonParent(parent);
    if (personParentCache.size >= 20000) personParentCache.clear();
    personParentCache.set(parent, r);
  }
  return r;
}

function computePersonParent(parent: string): boolean {
  const words = nameWords(parent);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  return personParents.has(words.join('')) || personParents.has(last) || (last.endsWith('s') && personParents.has(last.slice(0, -1)));
}

/** Parent names that make "line1", "street" or a bare "address" object a postal address. */
export function isAddressParent(parent: string | undefined): boolean {
  if (!parent) return false;
  const words = nameWords(parent);
  return words.includes('address') || words.includes('addr') || words.includes('shipping') || words.includes('billing') || words.includes('delivery') || words.includes('residence');
}
