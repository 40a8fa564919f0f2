export { maxReservableQueueBytes } from './pool.js';
export { LiveCapture, CaptureStartError, type LiveCaptureOptions, type SensorCounters } from './live-capture.js';
export { tcpdumpArgs, findTcpdump, parseCounterLine, classifyTcpdumpError, TCPDUMP_MISSING, emptyKernelCounters, type KernelCounters, type TcpdumpOptions, type TcpdumpFaultKind } from './tcpdump.js';
export { PcapFramer, type Frame } from './pcap-framer.js';
export { DirFollower, type DirFile, type DirFollowerOptions } from './dir-follower.js';
export { TcpdumpRunner, type RunnerEvent, type RunnerOptions } from './runner.js';
