/**
 * V8's garbage collection as a serving process runs it (npm start, npm run serve and a release's server.mjs alike:
 * server/cli.ts serverCommand applies it before loading; bench/latency.ts applies it to the processes it times).
 *
 * Young-generation collections (scavenges) on one thread. A query leaves 50–300 KB of garbage and little alive: a
 * scavenge during the seeds' query mix copies 50–100 KB, under a millisecond of work. V8 splits every scavenge into
 * parallel tasks and the main thread waits for its helper thread's share; when the other core is busy (a 2-core
 * machine serving, building or shared) the pause is that wait: --trace-gc-nvp at load 13 showed scavenge.parallel
 * at 13–19 ms for 50–75 KB survived. On an idle machine it changes nothing (docs/design.md, Serving). Full
 * (mark-compact) collections keep V8's concurrent marking.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags a serving process runs with (also settable on the command line: node --no-parallel-scavenge …). */
export const SERVING_V8_FLAGS = ['--no-parallel-scavenge'] as const;

/** Apply SERVING_V8_FLAGS to this process (read by V8 at every collection, so setting them at start-up is enough). */
export function applyServingGc(): void {
  for (const flag of SERVING_V8_FLAGS) setFlagsFromString(flag);
}
