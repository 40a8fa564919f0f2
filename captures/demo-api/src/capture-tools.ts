/** Starting and stopping the packet capture programs the recorder drives (tcpdump, dumpcap) and asking tshark for counts. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin').split(delimiter)) {
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface RunningCapture {
  name: string;
  file: string;
  /** Sends SIGINT (both tools flush and close the file on it) and resolves with what they printed. */
  stop(): Promise<string>;
}

/**
 * Starts a capture program and resolves once its stderr says it is listening,
 * so no packet of the scenario can be missed.
 */
export function startCapture(name: string, bin: string, args: string[], file: string, ready: RegExp, timeoutMs = 10_000): Promise<RunningCapture> {
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start listening within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not be started: ${err.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early (code ${code}):\n${stderr}`));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      if (!ready.test(stderr)) return;
      clearTimeout(timer);
      resolve({
        name,
        file,
        stop: async () => {
          child.kill('SIGINT');
          const code = await exited;
          if (code !== 0) throw new Error(`${name} ended with code ${code}:\n${stderr}`);
          return stderr;
        },
      });
    });
  });
}

/** HTTP requests tshark finds in a capture, decoding the demo port as HTTP whatever its number. */
export function tsharkRequestCount(tshark: string, file: string, port: number): number | undefined {
  const r = spawnSync(tshark, ['-r', file, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\n').filter(Boolean).length;
}
