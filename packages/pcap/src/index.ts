export { readCapture, type ReadCaptureOptions } from './read-capture.js';
export type { FileBytes } from './file-bytes.js';
export { captureFormat, type CaptureFormat } from './capture-format.js';
export { defaultCaps, type CaptureCaps } from './caps.js';
/** Diagnostics of the WebAssembly fast path (tests and the fuzzer read them). */
export { fastPathTotals } from './fast-path.js';
