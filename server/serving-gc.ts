/**
 * V8's garbage collection as a serving process runs it (npm start, npm run serve and a release's server.mjs alike:
 * server/cli.ts serverCommand applies it before loading; bench/latency.ts applies it to the processes it times).
 *
 * Young-generation collections (scavenges) on one thread. A query leaves 50–300 KB of garbage and little alive:
 * a scavenge during the seeds' query mix copies 50–90 KB, well under a millisecond of work. V8 splits every
 * scavenge into parallel tasks and the main thread waits for its helper thread's share; on a 2-core machine that
 * thread is often not running when asked (the other core serves, builds or bench-generates), and the pause is
 * that wait: --trace-gc-nvp shows scavenge.parallel at 13–18 ms for 60–90 KB survived, and the recorded bench's
 * per-kind scavenges took 3.9–12.9 ms each, which decided every seeds kind's first-seen p99. On one thread a
 * scavenge is only its work. Full (mark-compact) collections keep V8's concurrent marking.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags a serving process runs with (also settable on the command line: node --no-parallel-scavenge …). */
export const SERVING_V8_FLAGS = ['--no-parallel-scavenge'] as const;

/** Apply SERVING_V8_FLAGS to this process (read by V8 at every collection, so setting them at start-up is enough). */
export function applyServingGc(): void {
  for (const flag of SERVING_V8_FLAGS) setFlagsFromString(flag);
}
