/** Size of the buffers the capture thread writes batches into and the main thread hands back once parsed. */
export const POOL_BUFFER = 256 * 1024;
