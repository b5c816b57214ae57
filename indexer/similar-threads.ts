/**
 * Worker threads for the similar-reform build (indexer/similar.ts), Node only: kept out of indexer/similar.ts, which
 * a browser also runs (search/service.ts builds lists for a snapshot without them). The index build hands
 * `similarThreads` to buildSimilar; without it the stage runs in one thread.
 */
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from './module-worker.js';
import type { CandidateInput, ListInput } from './similar-candidates.js';
import type { ReaderState } from './similar-features.js';

export type SimilarWorker = ReturnType<typeof startWorker>;
export interface SimilarThreads {
  start(job: { role: 'read' | 'rank' } & Record<string, unknown>): SimilarWorker;
}

export const similarThreads: SimilarThreads = { start: startWorker };

/**
 * A worker thread (indexer/similar-worker.ts): `read` reads reforms' texts and answers with its features, then ends
 * (its memory goes with it); `rank` finds candidates and lists when asked, in shared memory. The build is synchronous,
 * so answers are awaited with Atomics.wait (flag slots: 0 started or read, 1 reading time, 2 candidates, 3 lists; 1
 * done, 2 failed) and taken with receiveMessageOnPort. A worker that cannot start or fails gives `undefined` or
 * false, and the caller does that work itself: slower, never different.
 */
function startWorker(job: { role: 'read' | 'rank' } & Record<string, unknown>) {
  const flag = new Int32Array(new SharedArrayBuffer(16));
  const { port1, port2 } = new MessageChannel();
  const t0 = performance.now();
  let worker: Worker | undefined;
  try {
    // Started as the index build's other workers are (indexer/module-worker.ts), so it runs under tsx, vitest or
    // compiled; a module that fails to load sets flag slot 0 to 2, which ends the waits below at once.
    worker = startModuleWorker(siblingModule('similar-worker', import.meta.url), { workerData: { ...job, flag, port: port2 }, transferList: [port2] });
    worker.unref();
    worker.on('error', () => {});
  } catch {
    worker = undefined;
  }
  const stop = () => {
    port1.close();
    void worker?.terminate();
    worker = undefined;
  };
  /** Waits for slot to turn 1 (done) or 2 (failed), or the worker to fail to start; a minute at most. */
  const wait = (slot: number): boolean => {
    for (let waited = 0; worker && Atomics.load(flag, slot) === 0 && Atomics.load(flag, 0) !== 2 && waited < 60; waited++) Atomics.wait(flag, slot, 0, 1000);
    if (worker && Atomics.load(flag, slot) === 1) return true;
    stop();
    return false;
  };
  const ask = (task: 'candidates' | 'lists', data: CandidateInput | ListInput, from: number, to: number): boolean => {
    if (!worker) return false;
    port1.postMessage({ task, job: data, from, to });
    return true;
  };
  return {
    /** A reading worker's features (it ends then), or undefined when it failed. */
    features(): ReaderState | undefined {
      const ok = wait(0);
      const message = ok ? (receiveMessageOnPort(port1)?.message as ReaderState | { error: string } | undefined) : undefined;
      stop();
      return message && !('error' in message) ? message : undefined;
    },
    workerMs: () => Atomics.load(flag, 1) || performance.now() - t0,
    /** Hands a ranking worker the candidates of reforms [from, to). */
    candidates: (data: CandidateInput, from: number, to: number) => ask('candidates', data, from, to),
    /** Waits for the worker's candidates: false when it failed (the caller then finds them itself). */
    candidatesDone: () => wait(2),
    /** Hands a ranking worker the lists of reforms [from, to). */
    lists: (data: ListInput, from: number, to: number) => ask('lists', data, from, to),
    listsDone: () => wait(3),
    stop,
  };
}
