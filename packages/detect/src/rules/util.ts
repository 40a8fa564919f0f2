import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isPiiType, isSecretType } from '../types.js';
import type { RuleContext } from './types.js';

const lists = new WeakMap<readonly string[], BlockList>();

export function inNetworks(ip: string | undefined, cidrs: readonly string[] | undefined): boolean {
  if (!ip || !cidrs?.length) return false;
  let bl = lists.get(cidrs);
  if (!bl) {
    bl = new BlockList();
    for (const c of cidrs) {
      const [addr, bits] = c.split('/');
      const type = isIPv6(addr!) ? 'ipv6' : 'ipv4';
      if (bits === undefined) bl.addAddress(addr!, type);
      else bl.addSubnet(addr!, Number(bits), type);
    }
    lists.set(cidrs, bl);
  }
  if (isIPv4(ip)) return bl.check(ip, 'ipv4');
  if (isIPv6(ip)) return bl.check(ip, 'ipv6');
  return false;
}

export function isFirstParty(host: string, ctx: RuleContext): boolean {
  const domains = ctx.firstPartyDomains;
  if (!domains?.length) return true;
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}

export function isSecret(type: string, ctx: RuleContext): boolean {
  return isSecretType(type) || (ctx.secretCustomTypes?.includes(type) ?? false);
}

/** Personal data: the built-in PII types, and custom types not declared secret. */
export function isPii(type: string, ctx: RuleContext): boolean {
  return isPiiType(type) || (!isSecretType(type) && !(ctx.secretCustomTypes?.includes(type) ?? false));
}
