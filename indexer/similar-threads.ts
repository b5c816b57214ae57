/**
 * Worker threads for the similar-reform build (indexer/similar.ts), Node only: kept out of indexer/similar.ts, which
 * a browser also runs (search/service.ts builds lists for a snapshot without them). The index build hands
 * `similarThreads` to buildSimilar; without it the stage runs in one thread.
 */
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from './module-worker.js';
import type { CandidateInput, ListInput } from './similar-candidates.js';
import type { Chunks } from './shared-chunks.js';
import type { ReaderState } from './similar-features.js';

export type SimilarWorker = ReturnType<typeof startWorker>;
export interface SimilarThreads {
  start(job: { role: 'read' | 'rank' } & Record<string, unknown>): SimilarWorker;
}

export const similarThreads: SimilarThreads = { start: startWorker };

/**
 * A worker thread (indexer/similar-worker.ts): `read` reads reforms' texts, chunk by chunk as it claims them, and
 * answers with its features, then ends (its memory goes with it); `rank` takes chunks of the candidates and lists
 * passes when asked, in shared memory (indexer/shared-chunks.ts). The build is synchronous, so answers are awaited
 * with Atomics.wait (flag slots: 0 started or read, 1 reading time, 2 candidates, 3 lists: 1 done, 2 failed; 4 the
 * chunks the worker has read) and taken with receiveMessageOnPort. A worker that cannot start or fails gives
 * `undefined` or false, and the caller does that work itself: slower, never different.
 */
function startWorker(job: { role: 'read' | 'rank' } & Record<string, unknown>) {
  const flag = new Int32Array(new SharedArrayBuffer(20));
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
  /** The worker will not finish `slot`'s work: it failed to start, threw, or was stopped. */
  const failed = (slot: number) => !worker || Atomics.load(flag, 0) === 2 || Atomics.load(flag, slot) === 2;
  const ask = (task: 'candidates' | 'lists', data: CandidateInput | ListInput, chunks: Chunks): boolean => {
    if (!worker) return false;
    port1.postMessage({ task, job: data, chunks });
    return true;
  };
  return {
    /**
     * A reading worker's features (it ends then), or undefined when it failed. Waited for as long as it reads on: given
     * up only after `patienceMs` without a chunk read (a loaded machine slows it; only a stuck one is given up).
     */
    features(patienceMs = 60_000): ReaderState | undefined {
      let read = Atomics.load(flag, 4);
      let since = performance.now();
      while (!failed(0) && Atomics.load(flag, 0) === 0 && performance.now() - since < patienceMs) {
        Atomics.wait(flag, 0, 0, 500);
        const now = Atomics.load(flag, 4);
        if (now !== read) {
          read = now;
          since = performance.now();
        }
      }
      const ok = worker !== undefined && Atomics.load(flag, 0) === 1;
      const message = ok ? (receiveMessageOnPort(port1)?.message as ReaderState | { error: string } | undefined) : undefined;
      stop();
      return message && !('error' in message) ? message : undefined;
    },
    workerMs: () => Atomics.load(flag, 1) || performance.now() - t0,
    /** Hands a ranking worker the candidates pass: it claims chunks of `chunks` until none is left. */
    candidates: (data: CandidateInput, chunks: Chunks) => ask('candidates', data, chunks),
    /** The worker will not finish the candidates it claimed. */
    candidatesFailed: () => failed(2),
    /** Hands a ranking worker the lists pass, likewise. */
    lists: (data: ListInput, chunks: Chunks) => ask('lists', data, chunks),
    listsFailed: () => failed(3),
    stop,
  };
}
