import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** What tcpdump is asked to do. */
export interface TcpdumpOptions {
  /** Interface name (`eth1`, `lo`, `any`). */
  interface: string;
  /** BPF filter expression, passed to tcpdump as is. */
  filter?: string;
  /** Kernel capture buffer, KiB (tcpdump `-B`). */
  bufferSizeKiB?: number;
  /**
   * `--immediate-mode`: every packet is handed to tcpdump at once (lowest
   * latency, one wake-up per packet). Without it the kernel hands over blocks
   * of packets, at the latest after tcpdump's 1 s timeout: far cheaper at high
   * rates (on the 2-core bench machine, immediate mode alone drops packets in
   * the kernel from ~20 000 requests/s, block delivery none at 37 000/s), and
   * the delay is below the default 2 s flush interval. Default false.
   */
  immediate?: boolean;
}

/** The tcpdump command line: packets delivered at once, whole, as a pcap stream on stdout. */
export function tcpdumpArgs(o: TcpdumpOptions): string[] {
  const args = ['-i', o.interface, ...(o.immediate ? ['--immediate-mode'] : []), '-U', '-s', '0', '-w', '-'];
  if (o.bufferSizeKiB !== undefined) args.push('-B', String(Math.round(o.bufferSizeKiB)));
  if (o.filter && o.filter.trim()) args.push(o.filter);
  return args;
}

/**
 * The tcpdump binary: `$OVERHEAR_TCPDUMP` when set, else `tcpdump` on PATH.
 * Undefined when there is none (the caller explains how to install it).
 */
export function findTcpdump(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.OVERHEAR_TCPDUMP;
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, 'tcpdump');
    if (executable(p)) return p;
  }
  return undefined;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const TCPDUMP_MISSING =
  'tcpdump is not installed (not found on PATH). Install it with `apt-get install tcpdump` (Debian/Ubuntu; `dnf install tcpdump` on Fedora/RHEL), or set OVERHEAR_TCPDUMP to its path.';

/** tcpdump's packet counters (cumulative for one run of tcpdump). */
export interface KernelCounters {
  captured: number;
  receivedByFilter: number;
  droppedByKernel: number;
  droppedByInterface: number;
}

export function emptyKernelCounters(): KernelCounters {
  return { captured: 0, receivedByFilter: 0, droppedByKernel: 0, droppedByInterface: 0 };
}

const COUNTER_RE = /(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)/g;

/**
 * Reads tcpdump's counters from one line of its stderr: the summary it prints
 * on SIGUSR1 ("tcpdump: 5 packets captured, 6 packets received by filter, 0
 * packets dropped by kernel") or one of the lines it prints at exit
 * ("5 packets captured"). Returns the fields found on the line, if any.
 */
export function parseCounterLine(line: string): Partial<KernelCounters> | undefined {
  let out: Partial<KernelCounters> | undefined;
  for (const m of line.matchAll(COUNTER_RE)) {
    const n = Number(m[1]);
    out ??= {};
    switch (m[2]) {
      case 'captured':
        out.captured = n;
        break;
      case 'received by filter':
        out.receivedByFilter = n;
        break;
      case 'dropped by kernel':
        out.droppedByKernel = n;
        break;
      case 'dropped by interface':
        out.droppedByInterface = n;
        break;
    }
  }
  return out;
}

export type TcpdumpFaultKind = 'missing' | 'permission' | 'no-such-interface' | 'bad-filter' | 'interface-down' | 'other';

/** What went wrong, told from tcpdump's stderr, and the message for the user. */
export function classifyTcpdumpError(stderr: string, iface: string): { kind: TcpdumpFaultKind; message: string } {
  const text = stderr.replace(/^tcpdump: listening on .*$/gm, '').trim();
  const last = lastErrorLine(text);
  if (/permission|not permitted|EPERM|socket: Operation not permitted/i.test(text)) {
    return {
      kind: 'permission',
      message:
        `no permission to capture on ${iface} (${last}). Capturing needs the CAP_NET_RAW capability: run as root, ` +
        'or give it to tcpdump once with `sudo setcap cap_net_raw,cap_net_admin+eip $(command -v tcpdump)`.',
    };
  }
  if (/No such device|no suitable device|doesn't exist|SIOCGIF.*No such/i.test(text)) {
    return { kind: 'no-such-interface', message: `interface ${iface} does not exist (${last}); \`ip link\` lists the interfaces (\`any\` captures on all)` };
  }
  if (/syntax error|can't parse filter|filter expression|illegal|unknown host|not a known protocol/i.test(text)) {
    return { kind: 'bad-filter', message: `tcpdump rejected the filter: ${last}` };
  }
  if (/went down|disappeared|Network is down|ENETDOWN|ENODEV/i.test(text)) {
    return { kind: 'interface-down', message: `interface ${iface} went away (${last})` };
  }
  return { kind: 'other', message: last || 'tcpdump stopped without a message' };
}

function lastErrorLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !parseCounterLine(l) && !/^\(.*\)$/.test(l));
  const l = lines[lines.length - 1] ?? text.split('\n').pop() ?? '';
  return l.replace(/^tcpdump: /, '');
}
