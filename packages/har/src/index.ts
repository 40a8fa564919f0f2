export { readHar, looksLikeJsonObject, defaultHarCaps, type HarCaps, type ReadHarOptions } from './read-har.js';
export { entryToExchange } from './to-exchange.js';
