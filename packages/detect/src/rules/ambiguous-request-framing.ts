/**
 * A request that stated its length in a way HTTP implementations disagree on
 * (RFC 9112 §6): Content-Length beside Transfer-Encoding, Content-Length
 * values that differ or are no number, a Transfer-Encoding that does not end
 * in chunked. A front end and a back end that read such a request
 * differently see different requests: request smuggling (API8:2023 Security
 * Misconfiguration: the servers accept what they should refuse). Only
 * captures can tell (a HAR holds the parsed request, not its head as sent).
 */
import type { FramingAnomaly } from '@overhear/model';
import { markRule } from './types.js';

const WHAT: Record<FramingAnomaly, { evidence: string; severity: 'high' | 'medium' }> = {
  'content-length-and-transfer-encoding': {
    evidence: 'Content-Length and Transfer-Encoding: chunked in one request; read as chunked (RFC 9112 §6.1), a server that reads Content-Length sees the rest as another request',
    severity: 'high',
  },
  'conflicting-content-length': {
    evidence: 'Content-Length values that differ in one request; servers that pick different ones split the stream differently',
    severity: 'high',
  },
  'transfer-encoding-not-chunked': {
    evidence: 'Transfer-Encoding whose last coding is not chunked (or not one a server knows): the request has no length a server can rely on',
    severity: 'high',
  },
  'invalid-content-length': {
    evidence: 'a Content-Length that is not a decimal number: the request has no length a server can rely on',
    severity: 'medium',
  },
  'obfuscated-framing-header': {
    evidence: 'Content-Length or Transfer-Encoding in a form servers disagree on (white space before the colon, folded onto a second line, or naming identity): some apply it, others refuse or ignore it',
    severity: 'high',
  },
  'transfer-encoding-in-http-1.0': {
    evidence: 'Transfer-Encoding in an HTTP/1.0 request, which has no transfer codings (RFC 9112 §6.1: faulty framing)',
    severity: 'medium',
  },
};

/** Runs on every exchange: one smuggled request in a million is still seen. */
export const ambiguousRequestFraming = markRule('ambiguous-request-framing', 'high', 'API8:2023', (ex) => ex.request.framing, WHAT);
