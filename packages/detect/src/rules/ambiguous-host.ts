/**
 * A request that named its host two ways (RFC 9112 §3.2): several Host
 * headers, or an absolute-form target naming another host than Host. A proxy
 * that routes by one and a server that answers by the other can be walked
 * into a host the URL does not name: routing-based SSRF, cache poisoning,
 * virtual-host bypass (API8:2023 Security Misconfiguration: the servers accept
 * what §3.2 says to refuse). Only captures can tell.
 */
import type { HostAnomaly } from '@overhear/model';
import { markRule } from './types.js';

const WHAT: Record<HostAnomaly, { evidence: string; severity: 'medium' }> = {
  'several-host-headers': { evidence: 'two or more Host headers in one request: proxies and servers pick different ones (RFC 9112 §3.2 says to refuse it)', severity: 'medium' },
  'host-differs-from-target': { evidence: 'the request target names another host than the Host header: the server goes by the target (RFC 9112 §3.2.2), a proxy may route by Host', severity: 'medium' },
};

/** Runs on every exchange, with the other cheap rules. */
export const ambiguousHost = markRule('ambiguous-host', 'medium', 'API8:2023', (ex) => ex.request.hostAnomaly, WHAT);
