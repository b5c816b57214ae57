/**
 * V8's garbage collection as a serving process runs it (npm start, npm run serve and a release's server.mjs alike:
 * server/cli.ts serverCommand applies it before loading; bench/latency.ts applies it to the processes it times).
 *
 * Young-generation collections (scavenges) on one thread. A query leaves 50–300 KB of garbage and little alive: a
 * scavenge during the seeds' query mix copies 50–100 KB, under a millisecond of work. V8 splits every scavenge into
 * parallel tasks and the main thread waits for its helper thread's share; when the other core is busy (a 2-core
 * machine serving, building or shared) the pause is that wait: --trace-gc-nvp at load 13 showed scavenge.parallel
 * at 13–19 ms for 50–75 KB survived. On an idle machine it changes nothing (docs/design.md, Serving).
 *
 * The young generation's dead array buffers are freed in the scavenge too, not handed to a helper thread. A scavenge
 * posts that sweep to a worker and the next one (or its own epilogue) waits for it; on a busy 2-core machine the wait
 * was most of a scavenge's pause (seeds, --trace-gc-nvp at load 16–19: scavenge.sweep_array_buffers over 2 ms in 24
 * of a question loop's 62 scavenges, the main thread asleep on the helper's signal; 13 of 64 with this flag). Done in
 * the pause the sweep costs 0.25–0.5 ms a scavenge at the seeds, which an idle machine would have left to the helper
 * (search/slab.ts cuts the buffers a query leaves to make it less; docs/design.md). Full (mark-compact) collections
 * keep V8's concurrent marking and sweeping.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags a serving process runs with (also settable on the command line: node --no-parallel-scavenge …). */
export const SERVING_V8_FLAGS = ['--no-parallel-scavenge', '--no-concurrent-array-buffer-sweeping'] as const;

/** Apply SERVING_V8_FLAGS to this process (read by V8 at every collection, so setting them at start-up is enough). */
export function applyServingGc(): void {
  for (const flag of SERVING_V8_FLAGS) setFlagsFromString(flag);
}
