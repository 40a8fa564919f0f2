// The fast path of the capture reader, in WebAssembly (AssemblyScript).
//
// It takes over a TCP connection that the JS engine has found to be HTTP/1.x and
// left at a quiet point, or that JS has seen only the client's SYN of (see
// src/fast-path.ts), and from then on reads its common case: the handshake and a
// first request JS would take as HTTP (HTTP), link, IP and TCP headers, segments
// in order, well-formed heads, bodies framed by Content-Length or chunked, and
// FINs between messages (FIN; the second ends the connection: CLOSE). It decides
// nothing about meaning: it hands JS each head's offsets (HEAD), the payload
// bytes of each body (BODY) and where each body ends (END); the framing (chunk
// lines, blank lines between messages) is read here only.
//
// On anything else (a segment out of order, SYN, RST, a FIN elsewhere, a head cut by the
// packet's end, a byte a strict head grammar does not allow, a framing the head
// alone does not decide) it hands the connection back to JS at the byte where it
// stopped (DEMOTE), with each side's framing state (in a body, how many bytes
// are left; or at the start of a chunk line), and JS reads the rest of the
// packet itself. It stops only at the start of a framing line, never inside
// one: a line cut by the packet's end is left to JS whole, so the state JS
// takes over is exact.
//
// No allocation: fixed regions of a fixed memory, laid out below.

// ---- memory layout (bytes); the memory never grows, so JS views stay valid ----
const INPUT: u32 = 1 << 20; // JS stages input here (1 MiB)
const SCRATCH: u32 = 2 << 20; // a packet JS assembled elsewhere (up to 1 MiB)
const EVENTS: u32 = 4 << 20;
const EVENT_SIZE: u32 = 64;
const MAX_EVENTS: u32 = 65536; // 4 MiB
const HDRS: u32 = 8 << 20;
const HDR_SIZE: u32 = 20;
const MAX_HDRS: u32 = 100000; // 2 MiB
const FLOWS: u32 = 12 << 20;
const FLOW_SIZE: u32 = 128;
const MAX_FLOWS: u32 = 65536; // 8 MiB
const BUCKETS: u32 = 20 << 20;
const NBUCKETS: u32 = 65536; // 256 KiB
const LASTTS: u32 = 21 << 20; // f64 per flow: 512 KiB
const STATE: u32 = 22 << 20; // a connection handed back at JS's request (see `demote`)
const NAME_IN: u32 = STATE + 1024; // JS writes a name to learn here (up to MAX_NAME bytes)
const TOKEN: u32 = STATE + 2048; // 256 bytes: 1 for the characters of a token (RFC 9110 §5.6.2)
const NAMES: u32 = 23 << 20; // learned header names, lower case: 64 KiB
const NAMES_BYTES: u32 = 65536;
const NAME_TABLE: u32 = NAMES + NAMES_BYTES; // NAME_SLOTS × 16: hash, address, length, id
const NAME_SLOTS: u32 = 2048;
const MAX_NAMES: u32 = 1024;
const MAX_NAME: u32 = 64;
const TEXT: u32 = 24 << 20; // the heads of the queued HEAD events, one after another (1 MiB): JS makes one string of several
const TEXT_BYTES: u32 = 1 << 20;

export function inputPtr(): u32 { return INPUT; }
export function scratchPtr(): u32 { return SCRATCH; }
export function eventsPtr(): u32 { return EVENTS; }
export function headersPtr(): u32 { return HDRS; }
export function lastTsPtr(): u32 { return LASTTS; }
export function nameInPtr(): u32 { return NAME_IN; }

// ---- events (EVENT_SIZE bytes each) ----
// 0 kind, 4 flow id, 8 side (0: a→b, 1: b→a), 12 address, 16 length, 56 ts (f64),
// HEAD: 20 first line length, 24 first header record (HDR_SIZE bytes each: name start
// and end, value start and end within the head, id of the name if learned else 0),
// 28 header count, 32 framing decided (0 none or complete, 1 Content-Length,
// 2 chunked), 36 method id (METHODS) or status, 40 and 44 target or reason start
// and end within the head, 48 minor version
// BODY: 12 and 16 the payload bytes; END: the message of that side is whole
// DEMOTE: 12 payload bytes of the current packet consumed before stopping, 16 next
// sequence numbers (a, b), 24 acknowledgments (a, b), 32 which were seen (bits),
// 36 state and 40 bytes left of side a, 44 and 48 of side b (ST_*); bit 4 of 32: the flow was
// still in its handshake (HS_*), the server's SYN seen if bit 8 (its sequence number is then
// the server side's next minus 1), and no HTTP yet (JS has no HttpConnection for it)
// HTTP: a connection taken over at its SYN sent its first request (8 the client side,
// 12 the server side's next sequence number: its SYN's plus 1), read from here on as HTTP
// FIN: side 8 sent its FIN between messages, at sequence number 12 (its next)
// CLOSE: side 8 sent its FIN after the other side's: the connection is over and handed back,
// with its state as DEMOTE gives it (12 is 0); its record stays, a tombstone (HS_CLOSED)
// SYN: a client's SYN of a connection JS has no flow for, taken over here (see `synTake`): 8 v6,
// 12..24 the client's address (a), 28 its port, 32..44 the server's (b), 48 its port, 52 the SYN's
// sequence number
const EV_HEAD: u32 = 2;
const EV_DEMOTE: u32 = 3;
const EV_BODY: u32 = 4;
const EV_END: u32 = 5;
const EV_HTTP: u32 = 6;
const EV_FIN: u32 = 7;
const EV_CLOSE: u32 = 8;
const EV_SYN: u32 = 9;

let nEvents: u32 = 0;
let nHdrs: u32 = 0;
let textUsed: u32 = 0;
let retransmitted: f64 = 0;
export function eventCount(): u32 { return nEvents; }
/** Forgets the events (JS has read them). */
export function clearEvents(): void { nEvents = 0; nHdrs = 0; textUsed = 0; }
/** Where the heads copied for the queued events end. */
export function textEnd(): u32 { return TEXT + textUsed; }
/** Retransmitted bytes dropped since the last call. */
export function takeRetransmitted(): f64 { const r = retransmitted; retransmitted = 0; return r; }

// ---- flows ----
// 0 used, 4 v6, 8 a0..20 a3, 24 b0..36 b3, 40 ap, 44 bp, 48 next in bucket (id + 1), 52 bucket,
// 56 client side, 60 handshake state (HS_*); per side s (its data, sent from s) at 64 + 32 * s:
const F_USED: u32 = 0;
const F_V6: u32 = 4;
const F_A: u32 = 8;
const F_B: u32 = 24;
const F_AP: u32 = 40;
const F_BP: u32 = 44;
const F_NEXT: u32 = 48;
const F_BUCKET: u32 = 52;
const F_CLIENT: u32 = 56;
const F_HS: u32 = 60;
const F_SIDE: u32 = 64;
const SIDE_SIZE: u32 = 32;
const S_NEXT: u32 = 0; // next sequence number expected
const S_ACK: u32 = 4; // highest acknowledgment the other side sent for this side's data
const S_ACKSEEN: u32 = 8;
const S_STATE: u32 = 12;
const S_REM: u32 = 16; // body or chunk bytes left
const S_FIN: u32 = 20; // 1 once the side sent its FIN

// states of one side's byte stream (JS's HttpStream reads the same bytes in step)
const ST_START: u32 = 0; // between messages
const ST_BODY: u32 = 1; // Content-Length body, S_REM left
const ST_CSIZE: u32 = 2; // chunk-size digits
const ST_CEXT: u32 = 3; // chunk extension, to the line end
const ST_CSIZE_LF: u32 = 4; // CR seen after the size
const ST_CDATA: u32 = 5; // chunk data, S_REM left
const ST_CEND_CR: u32 = 6; // CRLF after chunk data
const ST_CEND_LF: u32 = 7;
const ST_TRAILER_CR: u32 = 8; // the blank line after the last chunk
const ST_TRAILER_LF: u32 = 9;

// a connection taken over at its SYN (see `handshake`): HS_OPEN until its first request, HS_SYNACK once the server's SYN came
const HS_OPEN: u32 = 1;
const HS_SYNACK: u32 = 2;
// a connection closed by its FINs, kept as JS keeps it: a tombstone against stray packets, until JS lets it go (`forget`)
const HS_CLOSED: u32 = 4;
// a connection JS reads (handed back, or never taken): every packet of it is JS's. JS has a record
// for every flow it has (see `synTake`), until it lets the flow go (`forget`)
const HS_JS: u32 = 8;

let freeHead: u32 = 0; // id + 1 of a free flow record, 0: none
let nextUnused: u32 = 0;
let live: u32 = 0;

@inline function flowAt(id: u32): u32 { return FLOWS + id * FLOW_SIZE; }

@inline function mix(h: u32, x: u32): u32 {
  h = (h ^ x) * 0x9e3779b1;
  return h ^ (h >> 15);
}

/** Seeds the flow hash (per instance, so that no capture can put its flows in one bucket on purpose). */
let flowSeed: u32 = 0x811c9dc5;

@inline function sideHash(w0: u32, w1: u32, w2: u32, w3: u32, port: u32): u32 {
  return mix(mix(mix(mix(mix(flowSeed, w0), w1), w2), w3), port);
}

/**
 * Takes a connection over (JS calls this at a quiet point, or at the client's
 * SYN: `handshake`, see below). `kept`: the flow's record while JS read it
 * (`keep`), or -1. Returns its id, or -1 when the table is full. Sides and
 * addresses are JS's Flow's (a and b).
 */
export function promote(v6: u32, a0: u32, a1: u32, a2: u32, a3: u32, ap: u32, b0: u32, b1: u32, b2: u32, b3: u32, bp: u32, client: u32,
  next0: u32, next1: u32, ack0: u32, ack1: u32, ackSeen: u32, lastTs: f64, handshake: u32, kept: i32): i32 {
  // the record is made again (it had no state here)
  if (kept >= 0) release(<u32>kept);
  return take(v6, a0, a1, a2, a3, ap, b0, b1, b2, b3, bp, client, next0, next1, ack0, ack1, ackSeen, lastTs, handshake != 0 ? HS_OPEN : 0);
}

/** The record of a flow JS made (HS_JS: its packets are JS's), so that its SYN is not taken here for a new connection's (`synTake`). Its id, or -1 when the table is full. */
export function keep(v6: u32, a0: u32, a1: u32, a2: u32, a3: u32, ap: u32, b0: u32, b1: u32, b2: u32, b3: u32, bp: u32): i32 {
  return take(v6, a0, a1, a2, a3, ap, b0, b1, b2, b3, bp, 0, 0, 0, 0, 0, 0, 0, HS_JS);
}

/** A new record (id, or -1 when the table is full). */
function take(v6: u32, a0: u32, a1: u32, a2: u32, a3: u32, ap: u32, b0: u32, b1: u32, b2: u32, b3: u32, bp: u32, client: u32,
  next0: u32, next1: u32, ack0: u32, ack1: u32, ackSeen: u32, lastTs: f64, hs: u32): i32 {
  let id: u32;
  if (freeHead != 0) {
    id = freeHead - 1;
    freeHead = load<u32>(flowAt(id) + F_NEXT);
  } else if (nextUnused < MAX_FLOWS) {
    id = nextUnused++;
  } else return -1;
  const f = flowAt(id);
  memory.fill(f, 0, FLOW_SIZE);
  store<u32>(f + F_USED, 1);
  store<u32>(f + F_V6, v6);
  store<u32>(f + F_A, a0); store<u32>(f + F_A + 4, a1); store<u32>(f + F_A + 8, a2); store<u32>(f + F_A + 12, a3);
  store<u32>(f + F_B, b0); store<u32>(f + F_B + 4, b1); store<u32>(f + F_B + 8, b2); store<u32>(f + F_B + 12, b3);
  store<u32>(f + F_AP, ap);
  store<u32>(f + F_BP, bp);
  store<u32>(f + F_CLIENT, client);
  store<u32>(f + F_HS, hs);
  store<u32>(f + F_SIDE + S_NEXT, next0);
  store<u32>(f + F_SIDE + SIDE_SIZE + S_NEXT, next1);
  store<u32>(f + F_SIDE + S_ACK, ack0);
  store<u32>(f + F_SIDE + SIDE_SIZE + S_ACK, ack1);
  store<u32>(f + F_SIDE + S_ACKSEEN, ackSeen & 1);
  store<u32>(f + F_SIDE + SIDE_SIZE + S_ACKSEEN, (ackSeen >> 1) & 1);
  const b = (sideHash(a0, a1, a2, a3, ap) ^ sideHash(b0, b1, b2, b3, bp)) & (NBUCKETS - 1);
  store<u32>(f + F_BUCKET, b);
  store<u32>(f + F_NEXT, load<u32>(BUCKETS + b * 4));
  store<u32>(BUCKETS + b * 4, id + 1);
  store<f64>(LASTTS + id * 8, lastTs);
  live++;
  return <i32>id;
}

/** Hands a connection back (JS asks): its state goes to STATE, laid out as in a DEMOTE event from byte 16; its record stays, JS's. */
export function demote(id: u32): void {
  saveState(id, STATE);
  store<u32>(flowAt(id) + F_HS, HS_JS);
}

/** JS let a flow go: its record (JS's, or a tombstone) is freed. */
export function forget(id: u32): void {
  release(id);
}

/**
 * Taking connections over at their client's SYN (`synTake`) is safe while JS
 * has a record here for each of its flows: 0 stops it (JS may keep more flows
 * than the table holds); otherwise it stops while `limit` records are in use
 * (JS's most flows, so that a flow made from a SYN event never makes JS evict one).
 */
let synLimit: u32 = 0;
export function takeSyns(limit: u32): void { synLimit = limit; }

/** Ports whose connections are not taken over at their SYN (TLS, SSH: JS's NOT_HTTP_PORTS), a bit each. */
const PORTS: u32 = STATE + 4096;
export function notHttpPort(port: u32): void {
  store<u8>(PORTS + (port >> 3), <u8>(<u32>load<u8>(PORTS + (port >> 3)) | (1 << (port & 7))));
}
export function statePtr(): u32 { return STATE; }

/**
 * A connection's state at `at` (36 bytes): next sequence numbers (a, b),
 * acknowledgments (a, b), which were seen (bits 1 and 2, and HS_* from bit 4
 * on), then each side's framing state and bytes left.
 */
function saveState(id: u32, at: u32): void {
  const f = flowAt(id);
  const s0 = f + F_SIDE;
  const s1 = s0 + SIDE_SIZE;
  store<u32>(at, load<u32>(s0 + S_NEXT));
  store<u32>(at + 4, load<u32>(s1 + S_NEXT));
  store<u32>(at + 8, load<u32>(s0 + S_ACK));
  store<u32>(at + 12, load<u32>(s1 + S_ACK));
  store<u32>(at + 16, load<u32>(s0 + S_ACKSEEN) | (load<u32>(s1 + S_ACKSEEN) << 1) | (load<u32>(f + F_HS) << 2));
  // between packets, so at a line start or in a body (see `stream`)
  store<u32>(at + 20, load<u32>(s0 + S_STATE));
  store<u32>(at + 24, load<u32>(s0 + S_REM));
  store<u32>(at + 28, load<u32>(s1 + S_STATE));
  store<u32>(at + 32, load<u32>(s1 + S_REM));
}

/** Frees a connection's record. */
function release(id: u32): void {
  const f = flowAt(id);
  // unlink from its bucket
  const b = load<u32>(f + F_BUCKET);
  let p = BUCKETS + b * 4;
  while (load<u32>(p) != 0) {
    const cur = load<u32>(p) - 1;
    if (cur == id) {
      store<u32>(p, load<u32>(f + F_NEXT));
      break;
    }
    p = flowAt(cur) + F_NEXT;
  }
  store<u32>(f + F_USED, 0);
  store<u32>(f + F_NEXT, freeHead);
  freeHead = id + 1;
  live--;
}

// ---- packets ----
const TAKEN: i32 = 0; // read here (events queued)
const SLOW: i32 = 1; // JS reads it (a DEMOTE may have been queued first)
const FULL: i32 = 2; // no room for its events: JS reads the events, then calls again

// the link types read here (LINKTYPE_*)
const LINK_NULL: u32 = 0;
const LINK_ETHERNET: u32 = 1;
const LINK_RAW_OLD: u32 = 12;
const LINK_RAW_OPENBSD: u32 = 14;
const LINK_RAW: u32 = 101;
const LINK_LOOP: u32 = 108;
const LINK_SLL: u32 = 113;
const LINK_IPV4: u32 = 228;
const LINK_IPV6: u32 = 229;
const LINK_SLL2: u32 = 276;

@inline function be16(p: u32): u32 { return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1); }
@inline function be32(p: u32): u32 { return bswap<u32>(load<u32>(p)); }

// the packet being read, as decoded
let v6: u32 = 0;
let s0: u32 = 0; let s1: u32 = 0; let s2: u32 = 0; let s3: u32 = 0;
let d0: u32 = 0; let d1: u32 = 0; let d2: u32 = 0; let d3: u32 = 0;
let tcpAt: u32 = 0;
let ipEnd: u32 = 0;

/** Decodes link and IP down to TCP; false when JS must decode it. */
function decode(linkType: u32, s: u32, e: u32): bool {
  let type: u32 = 0;
  let o: u32 = s;
  if (linkType == LINK_ETHERNET) {
    if (s + 14 > e) return false;
    type = be16(s + 12);
    o = s + 14;
  } else if (linkType == LINK_SLL) {
    if (s + 16 > e) return false;
    type = be16(s + 14);
    o = s + 16;
  } else if (linkType == LINK_SLL2) {
    if (s + 20 > e) return false;
    type = be16(s);
    o = s + 20;
  } else if (linkType == LINK_NULL || linkType == LINK_LOOP) {
    if (s + 4 >= e) return false;
    o = s + 4;
    type = (<u32>load<u8>(o) >> 4) == 4 ? 0x0800 : 0x86dd;
  } else if (linkType == LINK_RAW || linkType == LINK_RAW_OLD || linkType == LINK_RAW_OPENBSD) {
    if (s >= e) return false;
    type = (<u32>load<u8>(o) >> 4) == 4 ? 0x0800 : 0x86dd;
  } else if (linkType == LINK_IPV4) {
    type = 0x0800;
  } else if (linkType == LINK_IPV6) {
    type = 0x86dd;
  } else return false;
  // 802.1Q and QinQ tags
  while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && linkType != LINK_NULL && linkType != LINK_LOOP) {
    if (o + 4 > e) return false;
    type = be16(o + 2);
    o += 4;
  }
  if (type == 0x0800) {
    if (o + 20 > e) return false;
    const vihl = <u32>load<u8>(o);
    if (vihl >> 4 != 4) return false;
    const ihl = (vihl & 15) * 4;
    const total = be16(o + 2);
    if (ihl < 20 || total < ihl) return false;
    const end = o + total < e ? o + total : e;
    if (o + ihl > end) return false;
    if ((be16(o + 6) & 0x3fff) != 0) return false; // a fragment
    if (load<u8>(o + 9) != 6) return false;
    v6 = 0;
    s0 = 0; s1 = 0; s2 = 0;
    d0 = 0; d1 = 0; d2 = 0;
    s3 = be32(o + 12);
    d3 = be32(o + 16);
    tcpAt = o + ihl;
    ipEnd = end;
  } else if (type == 0x86dd) {
    if (o + 40 > e) return false;
    if ((<u32>load<u8>(o) >> 4) != 6) return false;
    if (load<u8>(o + 6) != 6) return false; // extension headers: JS
    const plen = be16(o + 4);
    v6 = 1;
    s0 = be32(o + 8); s1 = be32(o + 12); s2 = be32(o + 16); s3 = be32(o + 20);
    d0 = be32(o + 24); d1 = be32(o + 28); d2 = be32(o + 32); d3 = be32(o + 36);
    tcpAt = o + 40;
    ipEnd = plen != 0 && o + 40 + plen < e ? o + 40 + plen : e;
  } else return false;
  if (tcpAt + 20 > ipEnd) return false;
  if ((<u32>load<u8>(tcpAt + 12) >> 4) * 4 < 20) return false;
  return true;
}

/** The flow this packet belongs to (id), or -1; `dirOut` gets the side that sent it. */
let dirOut: u32 = 0;
function lookup(sport: u32, dport: u32): i32 {
  const b = (sideHash(s0, s1, s2, s3, sport) ^ sideHash(d0, d1, d2, d3, dport)) & (NBUCKETS - 1);
  let n = load<u32>(BUCKETS + b * 4);
  while (n != 0) {
    const f = flowAt(n - 1);
    if (load<u32>(f + F_V6) == v6) {
      if (load<u32>(f + F_AP) == sport && load<u32>(f + F_BP) == dport && load<u32>(f + F_A + 12) == s3 && load<u32>(f + F_B + 12) == d3 &&
        load<u32>(f + F_A) == s0 && load<u32>(f + F_A + 4) == s1 && load<u32>(f + F_A + 8) == s2 &&
        load<u32>(f + F_B) == d0 && load<u32>(f + F_B + 4) == d1 && load<u32>(f + F_B + 8) == d2) {
        dirOut = 0;
        return <i32>(n - 1);
      }
      if (load<u32>(f + F_AP) == dport && load<u32>(f + F_BP) == sport && load<u32>(f + F_A + 12) == d3 && load<u32>(f + F_B + 12) == s3 &&
        load<u32>(f + F_A) == d0 && load<u32>(f + F_A + 4) == d1 && load<u32>(f + F_A + 8) == d2 &&
        load<u32>(f + F_B) == s0 && load<u32>(f + F_B + 4) == s1 && load<u32>(f + F_B + 8) == s2) {
        dirOut = 1;
        return <i32>(n - 1);
      }
    }
    n = load<u32>(f + F_NEXT);
  }
  return -1;
}

const MAX_WINDOW: i32 = 1 << 30;
const MAX_HEAD: u32 = 65536;
const MAX_CHUNK_LINE: u32 = 1024;

/**
 * One captured packet at [s, s + len) of this memory. TAKEN, SLOW or FULL.
 * `maxHead`: the head size JS accepts (larger heads are JS's to refuse).
 */
export function packet(s: u32, len: u32, linkType: u32, ts: f64, maxHead: u32): i32 {
  // room for the worst case: an event per 2 payload bytes, a header per 4
  if (nEvents + (len >> 1) + 4 > MAX_EVENTS || nHdrs + (len >> 2) + 4 > MAX_HDRS || textUsed + len > TEXT_BYTES) return FULL;
  if (!decode(linkType, s, s + len)) return SLOW;
  const t = tcpAt;
  const sport = be16(t);
  const dport = be16(t + 2);
  const idi = lookup(sport, dport);
  const flags = <u32>load<u8>(t + 13);
  if (idi < 0) return synTake(sport, dport, flags, ts);
  const id = <u32>idi;
  const f = flowAt(id);
  const side = dirOut;
  // JS's connection; or a closed one: JS drops every packet of it but a new SYN (the ports reused: JS's)
  const hs = load<u32>(f + F_HS);
  if (hs >= HS_CLOSED) return hs == HS_JS || (flags & 0x12) == 0x02 ? SLOW : TAKEN;
  const off = (<u32>load<u8>(t + 12) >> 4) * 4;
  const pay = t + off < ipEnd ? t + off : ipEnd;
  const seq = be32(t + 4);
  const d = f + F_SIDE + side * SIDE_SIZE;
  const o = f + F_SIDE + (1 - side) * SIDE_SIZE;
  let fin = false;
  if (load<u32>(f + F_HS) != 0) {
    if (!handshake(id, f, side, flags, seq, d, pay, ts)) return demoteHere(id, 0, ts);
  } else if (flags & 0x07) {
    // SYN and RST are JS's; so is a FIN with bytes, out of order, or in the middle of a message
    if ((flags & 0x06) != 0 || pay < ipEnd || seq != load<u32>(d + S_NEXT) || load<u32>(d + S_STATE) != ST_START) return demoteHere(id, 0, ts);
    fin = true;
  }
  // bytes after a side's FIN: JS's (it drops them)
  if (pay < ipEnd && load<u32>(d + S_FIN) != 0) return demoteHere(id, 0, ts);
  let start = pay;
  if (pay < ipEnd) {
    const rel = <i32>(seq - load<u32>(d + S_NEXT));
    if (rel > 0) return demoteHere(id, 0, ts); // out of order: JS holds it
    const skip = <u32>(-rel);
    if (skip >= ipEnd - pay) {
      if (rel > -MAX_WINDOW) retransmitted += <f64>(ipEnd - pay);
      start = ipEnd;
    } else {
      retransmitted += <f64>skip;
      start = pay + skip;
    }
  }
  // the acknowledgment is for the other side's data
  if (flags & 0x10) {
    const ack = be32(t + 8);
    if (load<u32>(o + S_ACKSEEN) == 0 || <i32>(ack - load<u32>(o + S_ACK)) > 0) {
      store<u32>(o + S_ACK, ack);
      store<u32>(o + S_ACKSEEN, 1);
    }
  }
  const lp = LASTTS + id * 8;
  if (ts > load<f64>(lp)) store<f64>(lp, ts);
  if (fin) return finHere(id, f, side, d, o, ts);
  if (start >= ipEnd) return TAKEN;
  const isRequest = side == load<u32>(f + F_CLIENT);
  const stop = stream(id, d, side, isRequest, start, ipEnd, ts, maxHead < MAX_HEAD ? maxHead : MAX_HEAD);
  store<u32>(d + S_NEXT, load<u32>(d + S_NEXT) + (stop - start));
  if (stop < ipEnd) return demoteHere(id, stop - pay, ts);
  return TAKEN;
}

/**
 * The packet of a connection JS has no flow for (no record): when it is a
 * client's SYN without bytes (nor ACK, FIN or RST), to a port not in PORTS,
 * the connection is taken over here, as JS would hand it over at that SYN
 * (src/tcp-flows.ts `opening`): side a the client, its next sequence number
 * the SYN's plus 1. JS makes its flow from the SYN event.
 */
function synTake(sport: u32, dport: u32, flags: u32, ts: f64): i32 {
  const t = tcpAt;
  if (live >= synLimit || (flags & 0x17) != 0x02) return SLOW;
  if (t + (<u32>load<u8>(t + 12) >> 4) * 4 < ipEnd) return SLOW;
  if ((<u32>load<u8>(PORTS + (dport >> 3)) & (1 << (dport & 7))) != 0) return SLOW;
  const seq = be32(t + 4);
  const idi = take(v6, s0, s1, s2, s3, sport, d0, d1, d2, d3, dport, 0, seq + 1, 0, 0, 0, 0, ts, HS_OPEN);
  if (idi < 0) return SLOW;
  const e = EVENTS + nEvents++ * EVENT_SIZE;
  store<u32>(e, EV_SYN);
  store<u32>(e + 4, <u32>idi);
  store<u32>(e + 8, v6);
  store<u32>(e + 12, s0); store<u32>(e + 16, s1); store<u32>(e + 20, s2); store<u32>(e + 24, s3);
  store<u32>(e + 28, sport);
  store<u32>(e + 32, d0); store<u32>(e + 36, d1); store<u32>(e + 40, d2); store<u32>(e + 44, d3);
  store<u32>(e + 48, dport);
  store<u32>(e + 52, seq);
  store<f64>(e + 56, ts);
  return TAKEN;
}

/**
 * A packet of a connection taken over at its client's SYN, before its first
 * request: true when the packet is read on as usual (the server's SYN-ACK, an
 * ACK, or the first request, announced to JS as HTTP), false when JS must
 * take the connection back. Only the common opening is read here, and the
 * first request only as JS's `firstRequest` (src/tcp-flows.ts) would take it
 * (a known method, a request line ending in HTTP/1.0 or 1.1 within the
 * packet's first 512 bytes); anything else is JS's, from the packet on, with
 * the handshake as seen so far (see `demote`).
 */
function handshake(id: u32, f: u32, side: u32, flags: u32, seq: u32, d: u32, pay: u32, ts: f64): bool {
  if (flags & 0x05) return false; // FIN, RST
  const hs = load<u32>(f + F_HS);
  const fromClient = side == load<u32>(f + F_CLIENT);
  if (flags & 0x02) {
    // the server's SYN-ACK, once and empty
    if (fromClient || (hs & HS_SYNACK) != 0 || (flags & 0x10) == 0 || pay < ipEnd) return false;
    store<u32>(d + S_NEXT, seq + 1);
    store<u32>(f + F_HS, hs | HS_SYNACK);
    return true;
  }
  // from the client once the server's SYN came: its ACK, then its first request
  if (!fromClient || (hs & HS_SYNACK) == 0) return false;
  if (pay >= ipEnd) return true;
  if (seq != load<u32>(d + S_NEXT) || !firstRequestLine(pay, ipEnd)) return false;
  const e = EVENTS + nEvents++ * EVENT_SIZE;
  store<u32>(e, EV_HTTP);
  store<u32>(e + 4, id);
  store<u32>(e + 8, side);
  store<u32>(e + 12, load<u32>(f + F_SIDE + (1 - side) * SIDE_SIZE + S_NEXT));
  store<f64>(e + 56, ts);
  store<u32>(f + F_HS, 0);
  return true;
}

/** Whether [p, e) starts with a request line as `firstRequest` (src/tcp-flows.ts) takes it: see there. */
function firstRequestLine(p: u32, e: u32): bool {
  const stop = e < p + 512 ? e : p + 512;
  let x = p;
  while (x < stop && load<u8>(x) != 10) x++;
  if (x == stop) return false;
  if (x > p && load<u8>(x - 1) == 13) x--;
  if (x - p < 12) return false;
  // " HTTP/1." then 0 or 1
  if (load<u8>(x - 9) != 32 || load<u32>(x - 8) != 0x50545448 || load<u8>(x - 4) != 47 || load<u8>(x - 3) != 49 || load<u8>(x - 2) != 46) return false;
  const minor = load<u8>(x - 1);
  if (minor != 48 && minor != 49) return false;
  // a known method (KNOWN_METHODS there, but CONNECT), then a space or a tab
  let m = p;
  while (m < x && m < p + 11 && <u32>load<u8>(m) >= 65 && <u32>load<u8>(m) <= 90) m++;
  const sep = <u32>load<u8>(m);
  if (m == p || (sep != 32 && sep != 9)) return false;
  return knownMethod(p, m - p);
}

/** Whether [p, p + n) (upper-case letters) is one of KNOWN_METHODS of src/tcp-flows.ts but CONNECT. */
function knownMethod(p: u32, n: u32): bool {
  return isWord(p, n, 'GET') || isWord(p, n, 'POST') || isWord(p, n, 'HEAD') || isWord(p, n, 'PUT') || isWord(p, n, 'DELETE') ||
    isWord(p, n, 'OPTIONS') || isWord(p, n, 'PATCH') || isWord(p, n, 'TRACE') || isWord(p, n, 'PROPFIND') || isWord(p, n, 'PROPPATCH') ||
    isWord(p, n, 'MKCOL') || isWord(p, n, 'COPY') || isWord(p, n, 'MOVE') || isWord(p, n, 'LOCK') || isWord(p, n, 'UNLOCK') ||
    isWord(p, n, 'SEARCH') || isWord(p, n, 'REPORT') || isWord(p, n, 'QUERY') || isWord(p, n, 'MKCALENDAR') || isWord(p, n, 'SUBSCRIBE') ||
    isWord(p, n, 'NOTIFY') || isWord(p, n, 'PURGE');
}

/** Whether [p, p + n) is `w` exactly (ASCII). */
function isWord(p: u32, n: u32, w: string): bool {
  if (<u32>w.length != n) return false;
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>w.charCodeAt(i)) return false;
  return true;
}

// ---- classic pcap records, read here while they are whole and their packets are ours ----
const RECORDS_END: u32 = 0; // no whole record left, or the next one is JS's to judge (its claimed length)
const RECORDS_SLOW: u32 = 1; // the next record's packet is JS's (not consumed; a DEMOTE may be queued)
const RECORDS_FULL: u32 = 2; // no room for the next record's events
const RECORDS_SWEEP: u32 = 3; // consumed up to a packet after which the idle sweep is due
let recStatus: u32 = 0;
let recPackets: u32 = 0;
let recMaxTs: f64 = 0;
let recLastTs: f64 = 0;
export function recordsStatus(): u32 { return recStatus; }
export function recordsPackets(): u32 { return recPackets; }
export function recordsMaxTs(): f64 { return recMaxTs; }
export function recordsLastTs(): f64 { return recLastTs; }

/**
 * Reads the classic pcap records at [addr, addr + len) (byte order `le`,
 * nanosecond timestamps `ns`) for as long as their packets are the fast
 * path's. Returns the bytes consumed; why it stopped is `recordsStatus()`.
 * `lastSweep`: when JS last swept for idle flows; it sweeps again `sweepEvery` ms of capture time later.
 */
export function records(addr: u32, len: u32, le: u32, ns: u32, linkType: u32, maxPacket: u32, maxHead: u32, lastSweep: f64, sweepEvery: f64): u32 {
  let p = addr;
  const end = addr + len;
  recPackets = 0;
  recMaxTs = 0;
  recStatus = RECORDS_END;
  while (p + 16 <= end) {
    const incl = le ? load<u32>(p + 8) : bswap<u32>(load<u32>(p + 8));
    if (incl > maxPacket || p + 16 + incl > end) break;
    const sec = le ? load<u32>(p) : bswap<u32>(load<u32>(p));
    const frac = le ? load<u32>(p + 4) : bswap<u32>(load<u32>(p + 4));
    const ts = <f64>sec * 1000 + (ns ? <f64>frac / 1000000 : <f64>frac / 1000);
    const r = packet(p + 16, incl, linkType, ts, maxHead);
    if (r == FULL) {
      recStatus = RECORDS_FULL;
      break;
    }
    if (r != TAKEN) {
      recStatus = RECORDS_SLOW;
      break;
    }
    p += 16 + incl;
    recPackets++;
    if (ts > recMaxTs) recMaxTs = ts;
    recLastTs = ts;
    if (ts - lastSweep > sweepEvery) {
      recStatus = RECORDS_SWEEP;
      break;
    }
  }
  return p - addr;
}

function demoteHere(id: u32, consumed: u32, ts: f64): i32 {
  stateEvent(EV_DEMOTE, id, 0, consumed, ts);
  store<u32>(flowAt(id) + F_HS, HS_JS);
  return SLOW;
}

/** A DEMOTE or CLOSE event: the connection's state from byte 16 (see `saveState`). */
function stateEvent(kind: u32, id: u32, side: u32, consumed: u32, ts: f64): void {
  const e = EVENTS + nEvents++ * EVENT_SIZE;
  store<u32>(e, kind);
  store<u32>(e + 4, id);
  store<u32>(e + 8, side);
  store<u32>(e + 12, consumed);
  saveState(id, e + 16);
  store<f64>(e + 56, ts);
}

/**
 * A FIN, in order and between messages, of a side that had not sent one (it
 * came again: nothing to do). The first side's is an event (FIN) and the
 * connection is read on; the second side's ends the connection, which goes
 * back to JS to be closed (CLOSE, with the state DEMOTE would give).
 */
function finHere(id: u32, f: u32, side: u32, d: u32, o: u32, ts: f64): i32 {
  if (load<u32>(d + S_FIN) != 0) return TAKEN;
  store<u32>(d + S_FIN, 1);
  if (load<u32>(o + S_FIN) == 0) {
    const e = EVENTS + nEvents++ * EVENT_SIZE;
    store<u32>(e, EV_FIN);
    store<u32>(e + 4, id);
    store<u32>(e + 8, side);
    store<u32>(e + 12, load<u32>(d + S_NEXT));
    store<f64>(e + 56, ts);
    return TAKEN;
  }
  stateEvent(EV_CLOSE, id, side, 0, ts);
  store<u32>(f + F_HS, HS_CLOSED);
  return TAKEN;
}

/** Body bytes [p, p + n) of a side's current message. */
@inline function emitBody(id: u32, side: u32, p: u32, n: u32, ts: f64): void {
  if (n == 0) return;
  const e = EVENTS + nEvents++ * EVENT_SIZE;
  store<u32>(e, EV_BODY);
  store<u32>(e + 4, id);
  store<u32>(e + 8, side);
  store<u32>(e + 12, p);
  store<u32>(e + 16, n);
  store<f64>(e + 56, ts);
}

/** The side's current message ended (its body is whole). */
@inline function emitEnd(id: u32, side: u32, ts: f64): void {
  const e = EVENTS + nEvents++ * EVENT_SIZE;
  store<u32>(e, EV_END);
  store<u32>(e + 4, id);
  store<u32>(e + 8, side);
  store<f64>(e + 56, ts);
}

// ---- scanning 16 bytes at a time (WebAssembly SIMD) ----

/**
 * The first byte at or after p (and before lim) that is a control character
 * other than TAB, or 0x7f and above (a line's CR included); lim when none.
 * With `space`, a space stops it too (a request target ends there).
 */
function scanText(p: u32, lim: u32, space: bool): u32 {
  const low = i8x16.splat(space ? 0x21 : 0x20);
  const del = i8x16.splat(0x7e);
  const tab = i8x16.splat(0x09);
  while (p + 16 <= lim) {
    const v = v128.load(p);
    // below the floor (but TAB, unless spaces stop too) or above '~'
    let bad = v128.or(i8x16.lt_u(v, low), i8x16.gt_u(v, del));
    if (!space) bad = v128.andnot(bad, i8x16.eq(v, tab));
    const m = i8x16.bitmask(bad);
    if (m != 0) return p + <u32>ctz<i32>(m);
    p += 16;
  }
  while (p < lim) {
    const c = <u32>load<u8>(p);
    if (space ? c <= 32 || c >= 127 : (c < 32 && c != 9) || c >= 127) return p;
    p++;
  }
  return lim;
}

@inline function hexDigit(c: u32): i32 {
  if (c >= 48 && c <= 57) return <i32>(c - 48);
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return <i32>(l - 87);
  return -1;
}

/**
 * Reads one side's bytes [p, e) in order; returns where it stopped (e when all
 * was read). Heads go to JS as HEAD, body bytes as BODY, ends of messages as
 * END. It stops at the start of a framing line, not inside one (see the top):
 * a line that does not end in this packet, or that it cannot read, is JS's.
 */
function stream(id: u32, d: u32, side: u32, isRequest: bool, p: u32, e: u32, ts: f64, maxHead: u32): u32 {
  let st = load<u32>(d + S_STATE);
  let rem = load<u32>(d + S_REM);
  let lineLen: u32 = 0;
  // where the framing line being read began (a side enters a packet at a line start or in a body)
  let lineStart = p;
  while (p < e) {
    if (st == ST_START) {
      // empty lines and blanks between messages: JS skips them too
      const c = <u32>load<u8>(p);
      if (c == 13 || c == 10 || c == 32 || c == 9) {
        p++;
        continue;
      }
      const r = head(id, side, isRequest, p, e, ts, maxHead);
      if (r == 0) break; // not one this path reads: JS from here
      p = r;
      st = headState;
      rem = headRem;
      lineLen = 0;
      lineStart = p;
      continue;
    }
    if (st == ST_BODY || st == ST_CDATA) {
      const avail = e - p;
      const take = avail < rem ? avail : rem;
      emitBody(id, side, p, take, ts);
      p += take;
      rem -= take;
      if (rem == 0) {
        if (st == ST_BODY) {
          emitEnd(id, side, ts);
          st = ST_START;
        } else {
          st = ST_CEND_CR;
          lineStart = p;
        }
      }
      continue;
    }
    const c = <u32>load<u8>(p);
    if (st == ST_CSIZE) {
      const v = hexDigit(c);
      if (v >= 0) {
        if (rem >= 0x1000000) break; // a chunk of 256 MiB or more: JS's
        rem = (rem << 4) | <u32>v;
        lineLen++;
      } else if (lineLen == 0) {
        break; // no digits: JS's (blank lines, blanks, junk)
      } else if (c == 13) {
        st = ST_CSIZE_LF;
      } else if (c == 59) {
        st = ST_CEXT;
      } else break;
    } else if (st == ST_CEXT) {
      // a chunk extension: skipped to the line end
      if (c == 10) {
        st = rem == 0 ? ST_TRAILER_CR : ST_CDATA;
        lineStart = p + 1;
      } else if (++lineLen > MAX_CHUNK_LINE) break;
    } else if (st == ST_CSIZE_LF) {
      if (c != 10) break;
      st = rem == 0 ? ST_TRAILER_CR : ST_CDATA;
      lineStart = p + 1;
    } else if (st == ST_CEND_CR) {
      if (c != 13) break;
      st = ST_CEND_LF;
    } else if (st == ST_CEND_LF) {
      if (c != 10) break;
      st = ST_CSIZE;
      rem = 0;
      lineLen = 0;
      lineStart = p + 1;
    } else if (st == ST_TRAILER_CR) {
      if (c != 13) break; // trailers: JS's
      st = ST_TRAILER_LF;
    } else if (st == ST_TRAILER_LF) {
      if (c != 10) break;
      st = ST_START;
      p++;
      emitEnd(id, side, ts);
      continue;
    }
    p++;
  }
  // inside a framing line: back to its start, for JS to read whole
  if (st == ST_CEXT || st == ST_CSIZE_LF || (st == ST_CSIZE && lineLen > 0)) {
    st = ST_CSIZE;
    rem = 0;
    p = lineStart;
  } else if (st == ST_CEND_LF) {
    st = ST_CEND_CR;
    p = lineStart;
  } else if (st == ST_TRAILER_LF) {
    st = ST_TRAILER_CR;
    p = lineStart;
  }
  store<u32>(d + S_STATE, st);
  store<u32>(d + S_REM, rem);
  return p;
}

// what `head` decided
let headState: u32 = 0;
let headRem: u32 = 0;

@inline function isTokenChar(c: u32): bool {
  // !#$%&'*+-.^_`|~ digits letters
  if (c >= 97 && c <= 122) return true;
  if (c >= 65 && c <= 90) return true;
  if (c >= 48 && c <= 57) return true;
  return c == 45 || c == 33 || c == 35 || c == 36 || c == 37 || c == 38 || c == 39 || c == 42 || c == 43 || c == 46 || c == 94 || c == 95 || c == 96 || c == 124 || c == 126;
}

for (let c: u32 = 0; c < 256; c++) store<u8>(TOKEN + c, isTokenChar(c) ? 1 : 0);

/** ASCII letters lower-cased, for comparing names. */
@inline function low(c: u32): u32 { return c >= 65 && c <= 90 ? c | 0x20 : c; }

/** Whether [p, p + n) is `name` (lower case, ASCII) in any case. */
function nameIs(p: u32, n: u32, name: string): bool {
  if (<u32>name.length != n) return false;
  for (let i: u32 = 0; i < n; i++) if (low(<u32>load<u8>(p + i)) != <u32>name.charCodeAt(i)) return false;
  return true;
}

/**
 * A head starting at p, read whole with a strict grammar: returns the offset
 * after it (its HEAD event queued, headState/headRem set), or 0 when JS must
 * read it (cut by the packet's end, or not strictly well-formed, or framed by
 * something other than its own Content-Length or chunked coding).
 */
function head(id: u32, side: u32, isRequest: bool, p: u32, e: u32, ts: f64, maxHead: u32): u32 {
  const h0 = nHdrs;
  let q = p;
  let methodId: u32 = 0;
  let lineA: u32 = p;
  let lineB: u32 = p;
  const lim = e - p > maxHead ? p + maxHead : e;
  let status: u32 = 0;
  let v10 = false;
  if (isRequest) {
    // METHOD SP target SP HTTP/1.x CRLF; the method in upper-case letters
    while (q < lim && <u32>load<u8>(q) >= 65 && <u32>load<u8>(q) <= 90) q++;
    const ml = q - p;
    if (ml == 0 || ml > 16 || q >= lim || load<u8>(q) != 32) return 0;
    // HEAD's answer has no body and CONNECT's opens a tunnel: JS pairs those
    if ((ml == 4 && load<u32>(p) == 0x44414548) || (ml == 7 && load<u32>(p) == 0x4e4e4f43 && load<u8>(p + 4) == 69 && load<u8>(p + 5) == 67 && load<u8>(p + 6) == 84)) return 0;
    methodId = methodOf(p, ml);
    q++;
    const ts0 = q;
    q = scanText(q, lim, true);
    lineA = ts0;
    lineB = q;
    // the space, then 10 bytes: "HTTP/1.x" CRLF
    if (q == ts0 || q + 11 > lim || load<u8>(q) != 32) return 0;
    q++;
    // "HTTP/1.0" or "HTTP/1.1", CRLF
    if (load<u32>(q) != 0x50545448 || load<u8>(q + 4) != 47 || load<u8>(q + 5) != 49 || load<u8>(q + 6) != 46) return 0;
    const minor = <u32>load<u8>(q + 7);
    if (minor != 48 && minor != 49) return 0;
    v10 = minor == 48;
    if (load<u8>(q + 8) != 13 || load<u8>(q + 9) != 10) return 0;
    q += 10;
  } else {
    // HTTP/1.x SP 3DIGIT [SP reason] CRLF
    if (q + 14 > lim) return 0;
    if (load<u32>(q) != 0x50545448 || load<u8>(q + 4) != 47 || load<u8>(q + 5) != 49 || load<u8>(q + 6) != 46) return 0;
    const minor = <u32>load<u8>(q + 7);
    if ((minor != 48 && minor != 49) || load<u8>(q + 8) != 32) return 0;
    v10 = minor == 48;
    const x0 = <u32>load<u8>(q + 9) - 48;
    const x1 = <u32>load<u8>(q + 10) - 48;
    const x2 = <u32>load<u8>(q + 11) - 48;
    if (x0 > 9 || x1 > 9 || x2 > 9) return 0;
    status = x0 * 100 + x1 * 10 + x2;
    // 1xx (interim, or a switch of protocol) are JS's
    if (status < 200) return 0;
    q += 12;
    const sp = <u32>load<u8>(q);
    if (sp == 32) {
      q++;
      while (q < lim) {
        const c = <u32>load<u8>(q);
        if (c < 32 || c >= 127) break;
        q++;
      }
    }
    if (q + 2 > lim || load<u8>(q) != 13 || load<u8>(q + 1) != 10) return 0;
    // the reason phrase, trimmed (as JS's status line does)
    lineA = p + 13 < q ? p + 13 : q;
    lineB = q;
    while (lineA < lineB && load<u8>(lineA) == 32) lineA++;
    while (lineB > lineA && load<u8>(lineB - 1) == 32) lineB--;
    q += 2;
  }
  const lineLen = q - 2 - p;
  let cl: i32 = -1;
  let chunked = false;
  let te = false;
  for (;;) {
    if (q + 2 > lim) return drop(h0);
    const ls = q;
    let c = <u32>load<u8>(q);
    if (c == 13) {
      if (load<u8>(q + 1) != 10) return drop(h0);
      q += 2;
      break;
    }
    // name: token characters, then the colon at once
    q = tokenEnd(q, lim);
    c = q < lim ? <u32>load<u8>(q) : 0;
    if (q == ls || c != 58) return drop(h0);
    const ne = q;
    q++;
    while (q < lim && (load<u8>(q) == 32 || load<u8>(q) == 9)) q++;
    const vs = q;
    // value: visible ASCII, blanks; a CR must end the line
    q = scanText(q, lim, false);
    if (q + 2 > lim || load<u8>(q) != 13 || load<u8>(q + 1) != 10) return drop(h0);
    let ve = q;
    while (ve > vs && (load<u8>(ve - 1) == 32 || load<u8>(ve - 1) == 9)) ve--;
    q += 2;
    const nl = ne - ls;
    const r = HDRS + nHdrs * HDR_SIZE;
    store<u32>(r, ls - p);
    store<u32>(r + 4, ne - p);
    store<u32>(r + 8, vs - p);
    store<u32>(r + 12, ve - p);
    store<u32>(r + 16, findName(ls, nl, nameHash(ls, nl)));
    nHdrs++;
    if (nl == 14 && nameIs(ls, nl, 'content-length')) {
      // one Content-Length of 1 to 9 digits; anything else is JS's to judge
      const vl = ve - vs;
      if (cl >= 0 || vl == 0 || vl > 9) return drop(h0);
      let v: i32 = 0;
      for (let k = vs; k < ve; k++) {
        const dg = <i32>load<u8>(k) - 48;
        if (dg < 0 || dg > 9) return drop(h0);
        v = v * 10 + dg;
      }
      cl = v;
    } else if (nl == 17 && nameIs(ls, nl, 'transfer-encoding')) {
      // exactly "chunked", once
      if (te || ve - vs != 7 || load<u32>(vs) != 0x6e756863 || load<u16>(vs + 4) != 0x656b || load<u8>(vs + 6) != 100) return drop(h0);
      te = true;
      chunked = true;
    }
  }
  if (chunked && (cl >= 0 || v10)) return drop(h0);
  if (isRequest) {
    if (chunked) { headState = ST_CSIZE; headRem = 0; }
    else if (cl > 0) { headState = ST_BODY; headRem = <u32>cl; }
    else { headState = ST_START; headRem = 0; }
  } else if (status == 204 || status == 304) {
    headState = ST_START; headRem = 0;
  } else if (chunked) {
    headState = ST_CSIZE; headRem = 0;
  } else if (cl > 0) {
    headState = ST_BODY; headRem = <u32>cl;
  } else if (cl == 0) {
    headState = ST_START; headRem = 0;
  } else {
    return drop(h0); // delimited by the connection's close: JS's
  }
  const ev = EVENTS + nEvents++ * EVENT_SIZE;
  const at = TEXT + textUsed;
  memory.copy(at, p, q - p);
  textUsed += q - p;
  store<u32>(ev, EV_HEAD);
  store<u32>(ev + 4, id);
  store<u32>(ev + 8, side);
  store<u32>(ev + 12, at);
  store<u32>(ev + 16, q - p);
  store<u32>(ev + 20, lineLen);
  store<u32>(ev + 24, h0);
  store<u32>(ev + 28, nHdrs - h0);
  store<u32>(ev + 32, headState == ST_BODY ? 1 : headState == ST_CSIZE ? 2 : 0);
  store<u32>(ev + 36, isRequest ? methodId : status);
  store<u32>(ev + 40, lineA - p);
  store<u32>(ev + 44, lineB - p);
  store<u32>(ev + 48, v10 ? 0 : 1);
  store<f64>(ev + 56, ts);
  return q;
}

/** Methods JS knows as constants (fast-path.ts METHODS, same order); 0 for another. */
function methodOf(p: u32, n: u32): u32 {
  const w = load<u32>(p);
  if (n == 3) {
    if ((w & 0xffffff) == 0x544547) return 1; // GET
    if ((w & 0xffffff) == 0x545550) return 3; // PUT
  } else if (n == 4) {
    if (w == 0x54534f50) return 2; // POST
  } else if (n == 6) {
    if (w == 0x454c4544 && load<u16>(p + 4) == 0x4554) return 4; // DELETE
  } else if (n == 5) {
    if (w == 0x43544150 && load<u8>(p + 4) == 72) return 5; // PATCH
    if (w == 0x43415254 && load<u8>(p + 4) == 69) return 7; // TRACE
  } else if (n == 7) {
    if (w == 0x4954504f && load<u16>(p + 4) == 0x4e4f && load<u8>(p + 6) == 83) return 6; // OPTIONS
  }
  return 0;
}

@inline function drop(h0: u32): u32 {
  nHdrs = h0;
  return 0;
}

// ---- header names JS has learned (so a head's usual names reach JS as ids, not strings) ----
let nameBytes: u32 = 0;
let nameCount: u32 = 0;

// Names are read 16 bytes at a time (a vector may read past a name: memory goes on well beyond every region
// names are read from, and the lanes past the name are masked off or not looked at).

/** Lanes 0..15, for masking off the lanes at and past a length. */
const LANES = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

/** The 16 bytes at p with ASCII capitals lower-cased. */
@inline function lowered(p: u32): v128 {
  const v = v128.load(p);
  const upper = v128.and(i8x16.ge_u(v, i8x16.splat(65)), i8x16.le_u(v, i8x16.splat(90)));
  return v128.or(v, v128.and(upper, i8x16.splat(0x20)));
}

/**
 * The first byte at or after p (before lim) that is not a token character:
 * letters, digits and '-' (nearly every header name) 16 at a time, the other
 * token characters one by one.
 */
function tokenEnd(p: u32, lim: u32): u32 {
  while (p + 16 <= lim) {
    const v = v128.load(p);
    const l = v128.or(v, i8x16.splat(0x20));
    const ok = v128.or(
      v128.or(v128.and(i8x16.ge_u(l, i8x16.splat(97)), i8x16.le_u(l, i8x16.splat(122))), v128.and(i8x16.ge_u(v, i8x16.splat(48)), i8x16.le_u(v, i8x16.splat(57)))),
      i8x16.eq(v, i8x16.splat(45)),
    );
    const m = ~i8x16.bitmask(ok) & 0xffff;
    if (m == 0) {
      p += 16;
      continue;
    }
    p += <u32>ctz<i32>(m);
    if (load<u8>(TOKEN + <u32>load<u8>(p)) == 0) return p;
    p++;
  }
  while (p < lim && load<u8>(TOKEN + <u32>load<u8>(p)) != 0) p++;
  return p;
}

/** Seeds the name hash (per instance, so that no capture can make names collide on purpose). */
let nameSeed: u64 = 0x9e3779b97f4a7c15;
export function seedNames(lo: u32, hi: u32): void { nameSeed = (<u64>hi << 32) | <u64>lo | 1; }
/** Seeds the flow hash; only while no flow is taken over (a flow's bucket comes from it). */
export function seedFlows(seed: u32): void { if (live == 0) flowSeed = seed; }

@inline function mix64(h: u64, x: u64): u64 {
  h = (h ^ x) * 0xff51afd7ed558ccd;
  return h ^ (h >> 32);
}

/** Hash of the name at [p, p + n) in lower case. */
function nameHash(p: u32, n: u32): u32 {
  let h = mix64(nameSeed, <u64>n);
  let k: u32 = 0;
  for (; k + 16 <= n; k += 16) {
    const v = lowered(p + k);
    h = mix64(mix64(h, i64x2.extract_lane(v, 0)), i64x2.extract_lane(v, 1));
  }
  if (k < n) {
    const v = v128.and(lowered(p + k), i8x16.lt_u(LANES, i8x16.splat(<u8>(n - k))));
    h = mix64(mix64(h, i64x2.extract_lane(v, 0)), i64x2.extract_lane(v, 1));
  }
  return <u32>(h ^ (h >> 29));
}

/** Whether the name at [p, p + n) is, lower-cased, the n bytes at `at`. */
function sameName(p: u32, at: u32, n: u32): bool {
  let k: u32 = 0;
  for (; k + 16 <= n; k += 16) if (i8x16.bitmask(i8x16.eq(lowered(p + k), v128.load(at + k))) != 0xffff) return false;
  if (k == n) return true;
  const want = (<i32>1 << <i32>(n - k)) - 1;
  return (i8x16.bitmask(i8x16.eq(lowered(p + k), v128.load(at + k))) & want) == want;
}

/** The id of the name at [p, p + n) (hash `h`, nameHash), or 0 when not learned. */
function findName(p: u32, n: u32, h: u32): u32 {
  let i = h & (NAME_SLOTS - 1);
  for (;;) {
    const slot = NAME_TABLE + i * 16;
    const id = load<u32>(slot + 12);
    if (id == 0) return 0;
    if (load<u32>(slot) == h && load<u32>(slot + 8) == n && sameName(p, load<u32>(slot + 4), n)) return id;
    i = (i + 1) & (NAME_SLOTS - 1);
  }
  return 0; // (not reached: the table is never more than half full)
}

/** Learns the lower-case name JS wrote at NAME_IN; returns its id (1, 2, …), or 0 when full. */
export function learnName(n: u32): u32 {
  if (n == 0 || n > MAX_NAME || nameCount >= MAX_NAMES || nameBytes + n > NAMES_BYTES) return 0;
  const h = nameHash(NAME_IN, n);
  if (findName(NAME_IN, n, h) != 0) return 0;
  const at = NAMES + nameBytes;
  memory.copy(at, NAME_IN, n);
  nameBytes += n;
  let i = h & (NAME_SLOTS - 1);
  while (load<u32>(NAME_TABLE + i * 16 + 12) != 0) i = (i + 1) & (NAME_SLOTS - 1);
  const slot = NAME_TABLE + i * 16;
  store<u32>(slot, h);
  store<u32>(slot + 4, at);
  store<u32>(slot + 8, n);
  store<u32>(slot + 12, ++nameCount);
  return nameCount;
}

/** Forgets every flow, event and learned name: the instance is reused for another input. */
export function reset(): void {
  memory.fill(BUCKETS, 0, NBUCKETS * 4);
  memory.fill(NAME_TABLE, 0, NAME_SLOTS * 16);
  freeHead = 0;
  nextUnused = 0;
  live = 0;
  nEvents = 0;
  nHdrs = 0;
  textUsed = 0;
  retransmitted = 0;
  nameBytes = 0;
  nameCount = 0;
  synLimit = 0;
}
