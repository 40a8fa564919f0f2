/** The sensitive-data types overhear reports. Custom types add their own names. */
export const PII_TYPES = [
  'email',
  'phone',
  'credit-card',
  'iban',
  'us-ssn',
  'ip-address',
  'date-of-birth',
  'person-name',
  'postal-address',
  'geolocation',
] as const;

export const SECRET_TYPES = [
  'password',
  'jwt',
  'bearer-token',
  'basic-auth',
  'aws-access-key',
  'stripe-key',
  'github-token',
  'slack-token',
  'google-api-key',
  'sendgrid-key',
  'twilio-key',
  'mailgun-key',
  'mailchimp-key',
  'openai-key',
  'private-key',
  'session-token',
  'generic-secret',
] as const;

export type PiiType = (typeof PII_TYPES)[number];
export type SecretType = (typeof SECRET_TYPES)[number];
export type BuiltinType = PiiType | SecretType;

const secretSet = new Set<string>(SECRET_TYPES);
const piiSet = new Set<string>(PII_TYPES);

/** True for credentials and keys (a leak lets someone act as the owner). */
export function isSecretType(type: string): boolean {
  return secretSet.has(type);
}

/** True for personal data (identifies or describes a person). */
export function isPiiType(type: string): boolean {
  return piiSet.has(type);
}
