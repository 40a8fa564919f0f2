import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '@overhear/model';
import type { CustomTypeConfig, RuleContext } from '@overhear/detect';
import type { SamplingOptions } from './sampler.js';

/**
 * What a team tells overhear about its own world. Read from `--config FILE`,
 * `$OVERHEAR_CONFIG`, or `./overhear.config.json` when present. Every field
 * is optional; the defaults are documented in the README.
 */
export interface OverhearConfig {
  /** Domains that are ours; PII sent elsewhere is `pii-to-third-party`, and CORS reflecting other origins is flagged. */
  firstPartyDomains?: string[];
  /** CIDRs behind a TLS terminator, where plain HTTP is expected (no `cleartext-sensitive`). */
  trustedNetworks?: string[];
  /** Longest acceptable session-cookie lifetime, seconds (default 8 h). */
  maxSessionCookieSeconds?: number;
  /** Longest acceptable JWT lifetime, seconds (default 24 h). */
  maxJwtLifetimeSeconds?: number;
  /** Largest page size that is not "unbounded" (default 100). */
  maxPageSize?: number;
  /** Declared operations with no traffic this many days before the host's latest traffic are `unused` (default 30). */
  unusedWindowDays?: number;
  /** Extra sensitive-data types (as Akto's custom data types). */
  customTypes?: CustomTypeConfig[];
  /** Distinct endpoints per host before the excess is counted under /{overflowPath} (default 5000). */
  maxEndpointsPerHost?: number;
  /** Distinct Host names per server address before requests naming others are counted under one overflow host (default 1000; ten times that for sources without server addresses). */
  maxHostsPerServer?: number;
  /**
   * Which exchanges are analysed in full beyond being counted (default
   * `{ "warmup": 128, "every": 256, "perSignature": 4 }` per endpoint, see
   * AnalysisSampler); `false` analyses every exchange (slower, exact counts).
   */
  sampling?: SamplingOptions | false;
}

const FIELDS: Record<keyof OverhearConfig, 'strings' | 'number' | 'array' | 'sampling'> = {
  firstPartyDomains: 'strings',
  trustedNetworks: 'strings',
  maxSessionCookieSeconds: 'number',
  maxJwtLifetimeSeconds: 'number',
  maxPageSize: 'number',
  unusedWindowDays: 'number',
  customTypes: 'array',
  maxEndpointsPerHost: 'number',
  maxHostsPerServer: 'number',
  sampling: 'sampling',
};

const SAMPLING_KEYS = new Set(['warmup', 'every', 'perSignature']);

function validSampling(v: unknown): boolean {
  if (v === false) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([k, n]) => SAMPLING_KEYS.has(k) && typeof n === 'number' && Number.isInteger(n) && n >= (k === 'perSignature' ? 0 : 1));
}

const EXPECTED = {
  number: 'a non-negative number',
  strings: 'a list of strings',
  array: 'a list',
  sampling: 'false or an object of positive integers warmup, every and perSignature',
};

export function loadConfig(path?: string): OverhearConfig {
  const file = path ?? process.env.OVERHEAR_CONFIG ?? (existsSync('overhear.config.json') ? 'overhear.config.json' : undefined);
  if (!file) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(file, 'the configuration must be a JSON object');
  const cfg = raw as Record<string, unknown>;
  for (const [k, v] of Object.entries(cfg)) {
    if (k.startsWith('$')) continue; // "$comment", "$schema"
    const kind = FIELDS[k as keyof OverhearConfig];
    if (!kind) throw new InputError(file, `unknown setting "${k}" (known: ${Object.keys(FIELDS).join(', ')})`);
    const ok =
      kind === 'number' ? typeof v === 'number' && v >= 0 : kind === 'strings' ? Array.isArray(v) && v.every((x) => typeof x === 'string') : kind === 'sampling' ? validSampling(v) : Array.isArray(v);
    if (!ok) throw new InputError(file, `"${k}" must be ${EXPECTED[kind]}`);
  }
  return cfg as OverhearConfig;
}

export function ruleContext(cfg: OverhearConfig): RuleContext {
  const ctx: RuleContext = {};
  if (cfg.firstPartyDomains) ctx.firstPartyDomains = cfg.firstPartyDomains.map((d) => d.toLowerCase().replace(/^\*?\./, ''));
  if (cfg.trustedNetworks) ctx.trustedNetworks = cfg.trustedNetworks;
  if (cfg.maxSessionCookieSeconds !== undefined) ctx.maxSessionCookieSeconds = cfg.maxSessionCookieSeconds;
  if (cfg.maxJwtLifetimeSeconds !== undefined) ctx.maxJwtLifetimeSeconds = cfg.maxJwtLifetimeSeconds;
  if (cfg.maxPageSize !== undefined) ctx.maxPageSize = cfg.maxPageSize;
  const secretTypes = cfg.customTypes?.filter((t) => t.category === 'secret').map((t) => t.type);
  if (secretTypes?.length) ctx.secretCustomTypes = secretTypes;
  return ctx;
}
