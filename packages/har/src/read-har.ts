import { InputError, countSkip, emptyStats, type Exchange, type ExchangeSource, type SourceStats } from '@overhear/model';
import { EntrySlicer, SliceError, defaultSlicerCaps, type SlicerCaps } from './entry-slicer.js';
import { entryToExchange, type BodyCaps } from './to-exchange.js';

export interface HarCaps extends SlicerCaps, BodyCaps {}

export const defaultHarCaps: HarCaps = { ...defaultSlicerCaps, maxBodyBytes: 1024 * 1024 };

export interface ReadHarOptions {
  /** Name used in error messages. */
  file: string;
  caps?: Partial<HarCaps>;
}

/**
 * Streams a HAR file as exchanges. Entries that are not HTTP(S) (data:, blob:,
 * websockets, extensions) are skipped and counted in `stats.skipped`.
 * Any structural fault (not HAR, invalid JSON, truncated) throws an InputError
 * naming the file and byte offset; the caller decides what to keep (the CLI keeps nothing).
 */
export function readHar(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ReadHarOptions): ExchangeSource {
  const caps: HarCaps = { ...defaultHarCaps, ...opts.caps };
  const stats: SourceStats = emptyStats();
  stats.counters.entries = 0;
  return {
    stats,
    async *[Symbol.asyncIterator](): AsyncIterator<Exchange> {
      const slicer = new EntrySlicer(caps);
      const fail = (e: unknown): never => {
        if (e instanceof SliceError) throw new InputError(opts.file, e.message, e.offset);
        throw e;
      };
      const handle = function* (events: ReturnType<EntrySlicer['push']>): Generator<Exchange> {
        for (const ev of events) {
          if (ev.kind === 'member') {
            if (ev.bytes) parseOrFail(ev.bytes, opts.file, ev.offset, `log.${ev.key}`);
            continue;
          }
          stats.counters.entries!++;
          if (ev.kind === 'entry-too-large') {
            countSkip(stats, 'entry-too-large');
            continue;
          }
          const parsed = parseOrFail(ev.bytes, opts.file, ev.offset, `entry ${stats.counters.entries}`);
          const r = entryToExchange(parsed, caps);
          if ('skip' in r) {
            countSkip(stats, r.skip);
            continue;
          }
          stats.exchanges++;
          yield r.exchange;
        }
      };
      for await (const chunk of input) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        let events;
        try {
          events = slicer.push(buf);
        } catch (e) {
          fail(e);
        }
        stats.bytes = slicer.bytesRead;
        yield* handle(events!);
      }
      try {
        slicer.end();
      } catch (e) {
        fail(e);
      }
    },
  };
}

function parseOrFail(bytes: Buffer, file: string, offset: number, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    const detail = e instanceof Error ? e.message.replace(/^Unexpected/, 'unexpected').slice(0, 120) : 'invalid JSON';
    throw new InputError(file, `${what} is not valid JSON (${detail})`, offset);
  }
}

/** True when the first bytes look like the start of a JSON object (HAR candidates). */
export function looksLikeJsonObject(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b;
}
