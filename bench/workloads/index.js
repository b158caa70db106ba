// The page-side workloads, in the order they run. Each takes the shared
// context (see bench/bench.js) and returns one result row or several.
// `demo: true`: it calls the demo crate's Rust tasks, so it runs in
// bench.html?demo (bench/wasmpool.js), after the others.
// `message`: also run on a plain page, where the pool runs the message
// transport (each such workload has its own target for it).
import { bigInput } from './big-input.js';
import { cpuScaling } from './cpu-scaling.js';
import { mapSmall } from './map-small.js';
import { memory } from './memory.js';
import { roundtrip } from './roundtrip.js';
import { startup } from './startup.js';
import { throughput } from './throughput.js';
import { wakeAfterIdle } from './wake-after-idle.js';

export const WORKLOADS = [
  { id: 'roundtrip', run: roundtrip, message: true }, // first: its fresh pools must meet a page that ran no round trips yet
  { id: 'wake_after_idle', run: wakeAfterIdle },
  { id: 'throughput', run: throughput, message: true },
  { id: 'map_small', run: mapSmall, message: true },
  { id: 'cpu_scaling', run: cpuScaling, demo: true },
  { id: 'startup', run: startup },
  { id: 'big_input', run: bigInput },
  { id: 'memory', run: memory },
];
