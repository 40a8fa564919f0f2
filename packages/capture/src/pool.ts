import { totalmem } from 'node:os';

/** Size of the buffers the capture thread writes batches into and the main thread hands back once parsed. */
export const POOL_BUFFER = 256 * 1024;

/** How many pool buffers a queue limit makes; all are allocated when the capture starts. */
export function poolBuffers(maxQueuedBytes: number): number {
  return Math.max(2, Math.floor(maxQueuedBytes / POOL_BUFFER));
}

/** The largest queue a capture may reserve: a quarter of the machine's memory. */
export function maxReservableQueueBytes(): number {
  return Math.floor(totalmem() / 4);
}
