// The micro-benchmarks' timing: best of five rounds of `f` (which runs `n` times), printed as ns per run.
export function bestOf(label, n, f, width = 58) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  const ns = (best * 1e6) / n;
  console.log(`${label.padEnd(width)} ${ns.toFixed(0).padStart(5)} ns`);
  return ns;
}
