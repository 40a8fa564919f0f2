// Speed-of-light prototype for a byte-level core (see ../README and bench/README.md):
// classic pcap (little-endian, µs), Ethernet/IPv4/TCP, in-order segments only,
// HTTP/1.1 heads and Content-Length/chunked bodies: the bench capture's happy
// path and nothing else. It hands over offsets; anything else is counted as "slow".
// Not the product: no caps, no gaps, no hostile input. It measures what is possible.

// memory layout (bytes)
const INPUT: u32 = 1 << 20;          // input chunk, up to 4 MB
const FLOWS: u32 = 8 << 20;          // flow table: SLOTS * FLOW_SIZE
const SLOTS: u32 = 1 << 16;
const FLOW_SIZE: u32 = 64;
const MSGS: u32 = 16 << 20;          // message records, MSG_SIZE each
const MSG_SIZE: u32 = 48;
const HDRS: u32 = 24 << 20;          // header records, 16 bytes each
const ARENA: u32 = 32 << 20;         // body bytes, 16 MB

// flow slot fields (per direction d = 0 client→server as first seen, 1 other)
// 0 sip, 4 dip, 8 ports (sport<<16|dport), 12 used
// 16 + 24*d: next seq, state, remaining, body start in arena, head msg index
const F_SIP: u32 = 0;
const F_DIP: u32 = 4;
const F_PORTS: u32 = 8;
const F_USED: u32 = 12;
const D_SEQ: u32 = 16;
const D_STATE: u32 = 20;
const D_REM: u32 = 24;
const D_MSG: u32 = 28;
const D_SYNCED: u32 = 32;
const D_SIZE: u32 = 24;

const ST_HEAD: u32 = 0;
const ST_BODY: u32 = 1;
const ST_CHUNK_SIZE: u32 = 2;
const ST_CHUNK_DATA: u32 = 3;
const ST_CHUNK_CRLF: u32 = 4;
const ST_TRAILER: u32 = 5;
const ST_SIZE_EXT: u32 = 6;

export let nMsgs: u32 = 0;
let msgSeq: u32 = 0;
let msgBase: u32 = 0;
export let nHdrs: u32 = 0;
export let arenaUsed: u32 = 0;
export let slow: u32 = 0;
export let packets: u32 = 0;
let headerDone: bool = false;

export function inputPtr(): u32 { return INPUT; }
export function msgPtr(): u32 { return MSGS; }
export function hdrPtr(): u32 { return HDRS; }
export function arenaPtr(): u32 { return ARENA; }

/** Clears the outputs (after JS took them). Open bodies keep their arena bytes: moved to the front. */
export function resetOutputs(): void {
  msgBase += nMsgs;
  nMsgs = 0;
  nHdrs = 0;
  arenaUsed = 0;
}

@inline function be16(p: u32): u32 { return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1); }
@inline function be32(p: u32): u32 { return bswap<u32>(load<u32>(p)); }

/** Processes whole records in INPUT[0, n); returns bytes consumed. */
export function scan(n: u32): u32 {
  let p: u32 = INPUT;
  const end = INPUT + n;
  if (!headerDone) {
    if (n < 24) return 0;
    headerDone = true;
    p += 24;
  }
  while (p + 16 <= end) {
    const incl = load<u32>(p + 8);
    if (p + 16 + incl > end) break;
    packets++;
    packet(p + 16, p + 16 + incl, load<u32>(p), load<u32>(p + 4));
    p += 16 + incl;
  }
  return p - INPUT;
}

function packet(s: u32, e: u32, sec: u32, usec: u32): void {
  if (s + 14 > e) return;
  if (be16(s + 12) != 0x0800) { slow++; return; }
  const ip = s + 14;
  if (ip + 20 > e) return;
  const ihl = (<u32>load<u8>(ip) & 15) * 4;
  const total = be16(ip + 2);
  const ipEnd = ip + total < e ? ip + total : e;
  if (load<u8>(ip + 9) != 6) { slow++; return; }
  const tcp = ip + ihl;
  if (tcp + 20 > ipEnd) return;
  const sip = load<u32>(ip + 12);
  const dip = load<u32>(ip + 16);
  const ports = load<u32>(tcp); // raw sport|dport as stored
  const seq = be32(tcp + 4);
  const off = ((<u32>load<u8>(tcp + 12)) >> 4) * 4;
  const flags = <u32>load<u8>(tcp + 13);
  const pay = tcp + off;
  // flow lookup: either orientation
  const h = (sip ^ dip ^ ports ^ rotr<u32>(ports, 16)) * 0x9e3779b1;
  let i = h >> 16;
  let slot: u32 = 0;
  let dir: u32 = 0;
  for (;;) {
    slot = FLOWS + (i & (SLOTS - 1)) * FLOW_SIZE;
    if (load<u32>(slot + F_USED) == 0) {
      store<u32>(slot + F_SIP, sip);
      store<u32>(slot + F_DIP, dip);
      store<u32>(slot + F_PORTS, ports);
      store<u32>(slot + F_USED, 1);
      // direction 0 is the first sender; both unsynced
      store<u32>(slot + D_SYNCED, 0);
      store<u32>(slot + D_SYNCED + D_SIZE, 0);
      store<u32>(slot + D_STATE, ST_HEAD);
      store<u32>(slot + D_STATE + D_SIZE, ST_HEAD);
      dir = 0;
      break;
    }
    if (load<u32>(slot + F_SIP) == sip && load<u32>(slot + F_DIP) == dip && load<u32>(slot + F_PORTS) == ports) { dir = 0; break; }
    if (load<u32>(slot + F_SIP) == dip && load<u32>(slot + F_DIP) == sip && load<u32>(slot + F_PORTS) == ((ports >> 16) | (ports << 16))) { dir = 1; break; }
    i++;
  }
  const d = slot + dir * D_SIZE;
  let next = seq;
  if (flags & 2) next = seq + 1; // SYN
  if (load<u32>(d + D_SYNCED) == 0) {
    store<u32>(d + D_SYNCED, 1);
    store<u32>(d + D_SEQ, next);
  } else if (load<u32>(d + D_SEQ) != seq) {
    if (pay < ipEnd) slow++;
    return;
  }
  if (pay >= ipEnd) { store<u32>(d + D_SEQ, next); return; }
  store<u32>(d + D_SEQ, seq + (ipEnd - pay));
  http(slot, d, dir, pay, ipEnd, sec, usec);
}

function http(slot: u32, d: u32, dir: u32, p: u32, e: u32, sec: u32, usec: u32): void {
  while (p < e) {
    const st = load<u32>(d + D_STATE);
    if (st == ST_HEAD) {
      p = head(slot, d, dir, p, e, sec, usec);
      if (p == 0) { slow++; return; }
    } else if (st == ST_BODY) {
      const rem = load<u32>(d + D_REM);
      const take = e - p < rem ? e - p : rem;
      copyBody(d, p, take);
      p += take;
      if (take == rem) done(d); else store<u32>(d + D_REM, rem - take);
    } else if (st == ST_CHUNK_DATA) {
      const rem = load<u32>(d + D_REM);
      const take = e - p < rem ? e - p : rem;
      copyBody(d, p, take);
      p += take;
      if (take == rem) { store<u32>(d + D_STATE, ST_CHUNK_CRLF); store<u32>(d + D_REM, 0); } else store<u32>(d + D_REM, rem - take);
    } else {
      // byte-wise chunk framing
      const c = <u32>load<u8>(p++);
      if (st == ST_CHUNK_SIZE) {
        let v: u32 = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : 99;
        if (v < 16) store<u32>(d + D_REM, (load<u32>(d + D_REM) << 4) | v);
        else if (c == 10) {
          const size = load<u32>(d + D_REM);
          store<u32>(d + D_STATE, size == 0 ? ST_TRAILER : ST_CHUNK_DATA);
          store<u32>(d + D_REM, 0);
        } else if (c != 13) store<u32>(d + D_STATE, ST_SIZE_EXT);
      } else if (st == ST_SIZE_EXT) {
        if (c == 10) {
          const size = load<u32>(d + D_REM);
          store<u32>(d + D_STATE, size == 0 ? ST_TRAILER : ST_CHUNK_DATA);
          store<u32>(d + D_REM, 0);
        }
      } else if (st == ST_CHUNK_CRLF) {
        if (c == 10) store<u32>(d + D_STATE, ST_CHUNK_SIZE);
      } else if (st == ST_TRAILER) {
        // REM counts bytes on the current trailer line
        if (c == 10) {
          if (load<u32>(d + D_REM) == 0) done(d); else store<u32>(d + D_REM, 0);
        } else if (c != 13) store<u32>(d + D_REM, load<u32>(d + D_REM) + 1);
      }
    }
  }
}

function copyBody(d: u32, p: u32, n: u32): void {
  const seq = load<u32>(d + D_MSG);
  if (seq < msgBase) return; // handed over already (prototype: its tail is lost)
  memory.copy(ARENA + arenaUsed, p, n);
  arenaUsed += n;
  const m = MSGS + (seq - msgBase) * MSG_SIZE;
  store<u32>(m + 36, load<u32>(m + 36) + n);
}

function done(d: u32): void {
  store<u32>(d + D_STATE, ST_HEAD);
  store<u32>(d + D_REM, 0);
}

// message record: 0 slot, 4 dir, 8 sec, 12 usec, 16 head start, 20 head len,
// 24 first header, 28 header count, 32 body start (arena), 36 body len, 40 line end
@inline function lower(c: u32): u32 { return c >= 65 && c <= 90 ? c | 0x20 : c; }

/** A head starting at p within [p, e): returns the offset after it, 0 when not whole here. */
function head(slot: u32, d: u32, dir: u32, p: u32, e: u32, sec: u32, usec: u32): u32 {
  // find CRLFCRLF
  let q = p;
  let lineEnd: u32 = 0;
  const mi = nMsgs++;
  const m = MSGS + mi * MSG_SIZE;
  const h0 = nHdrs;
  let clen: i32 = -1;
  let chunked = false;
  // first line
  while (q < e && load<u8>(q) != 10) q++;
  if (q >= e) { nMsgs--; return 0; }
  lineEnd = q;
  q++;
  for (;;) {
    if (q >= e) { nMsgs--; nHdrs = h0; return 0; }
    const ls = q;
    let c = <u32>load<u8>(q);
    if (c == 13 || c == 10) {
      if (c == 13) q++;
      if (q >= e || load<u8>(q) != 10) { nMsgs--; nHdrs = h0; return 0; }
      q++;
      break;
    }
    // name and a case-insensitive hash of it
    let hsh: u32 = 2166136261;
    while (q < e && (c = <u32>load<u8>(q)) != 58 && c != 10) { hsh = (hsh ^ lower(c)) * 16777619; q++; }
    if (q >= e || c == 10) { nMsgs--; nHdrs = h0; return 0; }
    const ne = q;
    q++;
    while (q < e && (load<u8>(q) == 32 || load<u8>(q) == 9)) q++;
    const vs = q;
    while (q < e && load<u8>(q) != 10) q++;
    if (q >= e) { nMsgs--; nHdrs = h0; return 0; }
    let ve = q;
    if (ve > vs && load<u8>(ve - 1) == 13) ve--;
    while (ve > vs && (load<u8>(ve - 1) == 32 || load<u8>(ve - 1) == 9)) ve--;
    const r = HDRS + nHdrs * 16;
    store<u32>(r, ls - p);
    store<u32>(r + 4, ne - p);
    store<u32>(r + 8, vs - p);
    store<u32>(r + 12, ve - p);
    nHdrs++;
    const nl = ne - ls;
    if (nl == 14 && hsh == CONTENT_LENGTH) {
      let v: i32 = 0;
      for (let k = vs; k < ve; k++) v = v * 10 + (<i32>load<u8>(k) - 48);
      clen = v;
    } else if (nl == 17 && hsh == TRANSFER_ENCODING) {
      chunked = true;
    }
    q++;
  }
  store<u32>(m, (slot - FLOWS) / FLOW_SIZE);
  store<u32>(m + 4, dir);
  store<u32>(m + 8, sec);
  store<u32>(m + 12, usec);
  store<u32>(m + 16, p);
  store<u32>(m + 20, q - p);
  store<u32>(m + 24, h0);
  store<u32>(m + 28, nHdrs - h0);
  store<u32>(m + 32, arenaUsed);
  store<u32>(m + 36, 0);
  store<u32>(m + 40, lineEnd - p);
  store<u32>(d + D_MSG, msgBase + mi);
  if (chunked) { store<u32>(d + D_STATE, ST_CHUNK_SIZE); store<u32>(d + D_REM, 0); }
  else if (clen > 0) { store<u32>(d + D_STATE, ST_BODY); store<u32>(d + D_REM, <u32>clen); }
  return q;
}

function fnv(s: string): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < s.length; i++) h = (h ^ <u32>s.charCodeAt(i)) * 16777619;
  return h;
}
const CONTENT_LENGTH = fnv('content-length');
const TRANSFER_ENCODING = fnv('transfer-encoding');
