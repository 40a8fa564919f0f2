import type { Exchange } from './exchange.js';

/**
 * What a source tells about the part of its input it could not turn into
 * exchanges, so the user knows what share of the input was understood.
 * Keys are short reasons ("websocket", "data-url", "tls", "ip-fragment-incomplete"), values counts.
 */
export type SkipCounts = Record<string, number>;

export interface SourceStats {
  /** Bytes of input consumed. */
  bytes: number;
  exchanges: number;
  skipped: SkipCounts;
  /** Free-form counters a source wants to report (packets, flows, gaps…). */
  counters: Record<string, number>;
  /** Hosts seen only encrypted: TLS server name (or address) → connections. */
  tlsHosts?: Record<string, number>;
  /** Set when the input ended in a fault after some exchanges were read. */
  fault?: { message: string; offset?: number };
}

export function emptyStats(): SourceStats {
  return { bytes: 0, exchanges: 0, skipped: {}, counters: {} };
}

export function countSkip(stats: SourceStats, reason: string, n = 1): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + n;
}

/** A running read of one input: iterate the exchanges, then read `stats`. */
export interface ExchangeSource extends AsyncIterable<Exchange> {
  readonly stats: SourceStats;
  /**
   * The same exchanges in the batches the source makes them in (optional):
   * a consumer of hundreds of thousands a second saves a promise per exchange.
   * Iterate one way or the other, not both.
   */
  batches?(): AsyncIterable<readonly Exchange[]>;
}
