import { spawn, type ChildProcess } from 'node:child_process';
import { PcapFramer, type Frame } from './pcap-framer.js';
import { classifyTcpdumpError, emptyKernelCounters, findTcpdump, parseCounterLine, tcpdumpArgs, TCPDUMP_MISSING, type KernelCounters, type TcpdumpFaultKind, type TcpdumpOptions } from './tcpdump.js';

export interface RunnerOptions extends TcpdumpOptions {
  /** First restart delay, ms (doubles up to `maxRestartDelayMs`). */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A run that lasted this long resets the backoff. */
  healthyRunMs?: number;
  env?: NodeJS.ProcessEnv;
}

export type RunnerEvent =
  | { type: 'started'; run: number; pid: number; info: string }
  | { type: 'frames'; run: number; frames: Frame[] }
  | { type: 'counters'; run: number; counters: KernelCounters }
  | { type: 'exit'; run: number; requested: boolean; fatal: boolean; code: number | null; signal: string | null; message: string; kind: TcpdumpFaultKind; counters: KernelCounters }
  | { type: 'restarting'; run: number; inMs: number; message: string }
  | { type: 'fatal'; kind: TcpdumpFaultKind; message: string }
  | { type: 'done' };

/**
 * Runs tcpdump, restarts it with backoff when it dies (the interface went
 * away, someone killed it), and reports its stdout as frames of whole pcap
 * records and its own packet counters. Faults that a restart cannot fix
 * (tcpdump missing, no permission, a bad filter, an unknown interface at the
 * first start) are fatal.
 */
export class TcpdumpRunner {
  private child: ChildProcess | undefined;
  private run = 0;
  private stopping = false;
  private listening = false;
  private everListened = false;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private stderrTail = '';
  private counters = emptyKernelCounters();
  private startedAt = 0;
  private finished = false;

  constructor(private readonly opts: RunnerOptions, private readonly emit: (e: RunnerEvent) => void) {
    this.delay = opts.restartDelayMs ?? 1000;
  }

  start(): void {
    const bin = findTcpdump(this.opts.env ?? process.env);
    if (!bin) {
      this.emit({ type: 'fatal', kind: 'missing', message: TCPDUMP_MISSING });
      this.finish();
      return;
    }
    this.spawn(bin);
  }

  private spawn(bin: string): void {
    const run = ++this.run;
    this.listening = false;
    this.stderrTail = '';
    this.counters = emptyKernelCounters();
    this.startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(bin, tcpdumpArgs(this.opts), { stdio: ['ignore', 'pipe', 'pipe'], env: this.opts.env ?? process.env });
    } catch (e) {
      this.emit({ type: 'fatal', kind: 'other', message: `cannot start ${bin}: ${(e as Error).message}` });
      this.finish();
      return;
    }
    this.child = child;
    const framer = new PcapFramer();
    child.stdout!.on('data', (chunk: Buffer) => {
      const frames = framer.push(chunk);
      if (frames.length) this.emit({ type: 'frames', run, frames });
    });
    let line = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      line += s;
      let nl: number;
      while ((nl = line.indexOf('\n')) >= 0) {
        this.stderrLine(run, line.slice(0, nl));
        line = line.slice(nl + 1);
      }
    });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      if (line) this.stderrLine(run, line);
      this.child = undefined;
      this.exited(run, code, signal, spawnError);
    });
  }

  private stderrLine(run: number, l: string): void {
    if (/^tcpdump: listening on /.test(l) || /^listening on /.test(l)) {
      this.listening = true;
      this.everListened = true;
      this.emit({ type: 'started', run, pid: this.child?.pid ?? 0, info: l.replace(/^tcpdump: /, '') });
      return;
    }
    const c = parseCounterLine(l);
    if (c) {
      Object.assign(this.counters, c);
      this.emit({ type: 'counters', run, counters: { ...this.counters } });
      return;
    }
    // keep the last few lines for the exit message
    this.stderrTail = (this.stderrTail + l + '\n').slice(-2000);
  }

  private exited(run: number, code: number | null, signal: NodeJS.Signals | null, err: NodeJS.ErrnoException | undefined): void {
    const requested = this.stopping;
    let { kind, message } = err ? { kind: (err.code === 'ENOENT' ? 'missing' : 'other') as TcpdumpFaultKind, message: err.code === 'ENOENT' ? TCPDUMP_MISSING : err.message } : classifyTcpdumpError(this.stderrTail, this.opts.interface);
    if (!err && kind === 'other' && !this.stderrTail.trim()) {
      message = signal ? `tcpdump was killed (${signal})` : `tcpdump exited with code ${code}`;
    }
    const fatal = !requested && (kind === 'missing' || kind === 'permission' || kind === 'bad-filter' || (!this.everListened && kind !== 'interface-down'));
    this.emit({ type: 'exit', run, requested, fatal, code, signal, message, kind, counters: { ...this.counters } });
    if (requested) return this.finish();
    if (fatal) {
      this.emit({ type: 'fatal', kind, message });
      return this.finish();
    }
    if (Date.now() - this.startedAt >= (this.opts.healthyRunMs ?? 60_000)) this.delay = this.opts.restartDelayMs ?? 1000;
    const inMs = this.delay;
    this.delay = Math.min(this.delay * 2, this.opts.maxRestartDelayMs ?? 30_000);
    this.emit({ type: 'restarting', run, inMs, message });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopping) return this.finish();
      const bin = findTcpdump(this.opts.env ?? process.env);
      if (!bin) {
        this.emit({ type: 'fatal', kind: 'missing', message: TCPDUMP_MISSING });
        return this.finish();
      }
      this.spawn(bin);
    }, inMs);
  }

  /** Asks tcpdump for its counters (it prints them on SIGUSR1 on Linux). */
  poll(): void {
    if (this.child && this.listening && this.child.exitCode === null) {
      try {
        this.child.kill('SIGUSR1');
      } catch {
        /* it is exiting */
      }
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops tcpdump (it prints its final counters and flushes), then emits `done`. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.finish();
      return;
    }
    const child = this.child;
    if (!child) return this.finish();
    // Without --immediate-mode the kernel hands packets over in blocks, at the latest
    // after tcpdump's 1 s timeout, and tcpdump does not drain a block that is not handed
    // over yet when it is told to stop: wait for it, or the last second is lost.
    const grace = this.opts.immediate || !this.listening ? 0 : 1100;
    const term = setTimeout(() => {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      force.unref();
      child.once('close', () => clearTimeout(force));
    }, grace);
    child.once('close', () => clearTimeout(term));
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.emit({ type: 'done' });
  }
}
