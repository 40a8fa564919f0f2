import type { Exchange } from '@overhear/model';
import type { Budget } from './budget.js';
import { toExchange, type BodyLimits, type ConnInfo, type Tx } from './http-exchange.js';
import { BODY_CHUNKED, BODY_EOF, BODY_LENGTH, BODY_NONE, BODY_UNKNOWN, framingAnomaly, HttpStream, lengthUnknown, messageCost, type HttpMessage, type HttpStreamLimits, type HttpStreamOwner } from './http-stream.js';

export interface HttpEnv {
  limits: HttpStreamLimits & BodyLimits;
  maxPendingRequests: number;
  budget: Budget;
  emit(ex: Exchange): void;
  count(reason: string): void;
}

/**
 * One HTTP/1.x connection: a parser per direction, and the queue that pairs
 * responses with requests in order (pipelining).
 */
export class HttpConnection implements HttpStreamOwner {
  /** A CONNECT was answered 2xx: what follows is another protocol's (TLS, HTTP, SMTP…) start. */
  tunnel = false;
  readonly request: HttpStream;
  readonly response: HttpStream;
  private readonly txs: Tx[] = [];
  /** txs[0..answered) have a response. */
  private answered = 0;
  closed = false;

  constructor(
    readonly conn: ConnInfo,
    private readonly env: HttpEnv,
    requestSynced: boolean,
    responseSynced: boolean,
  ) {
    this.request = new HttpStream(true, requestSynced, this, env.limits, env.budget);
    this.response = new HttpStream(false, responseSynced, this, env.limits, env.budget);
  }

  head(isRequest: boolean, msg: HttpMessage): number {
    // held until its exchange is made or it is let go (see `release`)
    msg.cost = messageCost(msg);
    this.env.budget.addMessage(msg.cost);
    if (isRequest) {
      this.txs.push({ req: msg, reqDone: false, resp: null, respDone: false, upgrade: false, connect: false });
      if (this.txs.length - this.answered > this.env.maxPendingRequests && this.answered === 0) {
        this.env.count('http-pending-overflow');
        const tx = this.txs.shift()!;
        if (tx.reqDone) this.emit(tx);
        else {
          tx.req.body?.discard();
          this.release(tx.req);
        }
      }
      // a version-less request line followed by headers is read as llhttp reads it: its headers frame a body
      if ((msg.version === '0.9' && msg.headers.length === 0) || msg.method === 'CONNECT') return BODY_NONE;
      const anomaly = framingAnomaly(msg);
      if (anomaly !== null) {
        msg.framing = anomaly;
        if (lengthUnknown(anomaly)) return BODY_UNKNOWN;
      }
      if (msg.chunked) return BODY_CHUNKED;
      return msg.contentLength >= 0 ? BODY_LENGTH : BODY_NONE;
    }
    const s = msg.status;
    if (s < 200 && s !== 101 && msg.version !== '0.9') return BODY_NONE;
    // the response answers the oldest request seen so far (pipelining)
    const tx = this.txs[this.answered];
    msg.tx = tx ?? null;
    if (tx) {
      tx.resp = msg;
      this.answered++;
    }
    if (msg.version === '0.9') return BODY_EOF;
    if (s < 200) return BODY_NONE;
    if (tx) {
      if (tx.req.method === 'HEAD') return BODY_NONE;
      if (tx.req.method === 'CONNECT' && s < 300) return BODY_NONE;
    }
    if (s === 204 || s === 304) return BODY_NONE;
    if (msg.chunked) return BODY_CHUNKED;
    return msg.contentLength >= 0 ? BODY_LENGTH : BODY_EOF;
  }

  message(isRequest: boolean, msg: HttpMessage): void {
    if (isRequest) {
      for (let i = this.txs.length - 1; i >= 0; i--) {
        const tx = this.txs[i]!;
        if (tx.req === msg) {
          tx.reqDone = true;
          break;
        }
      }
      // bytes after CONNECT belong to the tunnel
      if (msg.method === 'CONNECT' && !msg.interrupted) this.request.toPassthru();
      this.flush();
      return;
    }
    const s = msg.status;
    if (s >= 100 && s < 200 && s !== 101) {
      msg.body?.discard();
      this.release(msg);
      return;
    }
    const tx = msg.tx as Tx | null;
    if (!tx) {
      msg.body?.discard();
      this.release(msg);
      this.env.count('http-response-without-request');
      return;
    }
    tx.respDone = true;
    if (s === 101) {
      tx.upgrade = true;
      this.request.toPassthru();
      this.response.toPassthru();
    } else if (tx.req.method === 'CONNECT' && s >= 200 && s < 300) {
      tx.connect = true;
      this.tunnel = true;
      this.request.toPassthru();
      this.response.toPassthru();
    } else if (tx.req.method === 'CONNECT') {
      // refused (407, 403…): no tunnel, the client may ask again on this connection
      this.request.resume();
    }
    this.flush();
  }

  count(reason: string): void {
    this.env.count(reason);
  }

  /**
   * Both directions between messages, and nothing the fast path could not
   * frame by itself: the requests still waiting for an answer are complete
   * and none is a HEAD (its answer has no body), a CONNECT or HTTP/0.9 (see
   * fast-path.ts). A connection of one exchange is taken over after its
   * request, so its answer is read fast too.
   */
  quiet(): boolean {
    if (this.closed || this.tunnel || !this.request.atStart || !this.response.atStart) return false;
    for (let i = 0; i < this.txs.length; i++) {
      const tx = this.txs[i]!;
      if (!tx.reqDone || tx.resp !== null || tx.req.method === 'HEAD' || tx.req.method === 'CONNECT' || tx.req.version === '0.9') return false;
    }
    return true;
  }

  /** The server is sending: a lone version-less request line it answers is an HTTP/0.9 simple request. */
  serverSpeaks(ts: number): void {
    if (this.request.inHead) this.request.answered(ts);
  }

  expectsHttp09(): boolean {
    // also after a version-less line with headers (whose body head() frames): Zeek reads its answer this way (methods.pcap)
    return this.txs[this.answered]?.req.version === '0.9';
  }

  /** The connection is over: finish both directions and emit what is left. */
  close(ts: number): void {
    if (this.closed) return;
    this.request.end(ts);
    this.response.end(ts);
    this.closed = true;
    for (const tx of this.txs) this.emit(tx);
    // emptied, not replaced: a field never assigned after construction is a constant to V8, and the first
    // connection to close would make it throw away and compile again the hottest code that reads it
    this.txs.length = 0;
    this.answered = 0;
  }

  private flush(): void {
    while (this.txs.length > 0) {
      const tx = this.txs[0]!;
      if (!(tx.reqDone && tx.respDone)) break;
      this.txs.shift();
      this.answered--;
      this.emit(tx);
    }
  }

  private emit(tx: Tx): void {
    this.release(tx.req);
    this.release(tx.resp);
    this.env.emit(toExchange(tx, this.conn, this.env.limits));
  }

  /** A message no longer held here: off the budget's message account. */
  private release(m: HttpMessage | null): void {
    if (m !== null && m.cost !== 0) {
      this.env.budget.subMessage(m.cost);
      m.cost = 0;
    }
  }
}
