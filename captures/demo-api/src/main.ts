/** CLI: `node captures/demo-api/dist/src/main.js [--port P] [--host H]`; prints the port, runs until SIGTERM/SIGINT. */
import { parseArgs } from 'node:util';
import { startDemoApi } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo-api: --port must be a number from 0 to 65535, not ${values.port}`);
  process.exit(1);
}
const api = await startDemoApi({ port, host: values.host });
console.log(api.port);
const stop = (): void => void api.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
