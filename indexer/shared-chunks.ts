/**
 * Work cut into chunks that threads claim through shared memory, for the similar stage's passes that a worker thread
 * shares with the build thread (indexer/similar.ts, indexer/similar-worker.ts).
 *
 * Why: with a fixed split (the worker the later half, the build thread the first), the build thread waited for the
 * worker whenever the worker started late or ran slower (beside the index worker, or on a loaded machine), and after a
 * minute gave up and did the worker's whole half again. Claimed chunk by chunk, whichever thread is free takes the next
 * one: the build thread waits at most for the chunk the worker is on, and a worker that never starts or fails costs
 * only the chunks it claimed and did not finish. Each chunk's result depends on its own range alone, so who ran it
 * never changes the answer.
 */

/** A range [0, total) in `count` chunks of `size`; `state[0]` is the next chunk to claim, `state[1 + c]` is 1 once
 *  chunk c is done. */
export interface Chunks {
  total: number;
  size: number;
  count: number;
  state: Int32Array;
}

/** Chunks of [0, total) in shared memory, about `count` of them (never empty ones). */
export function sharedChunks(total: number, count: number): Chunks {
  const size = Math.max(1, Math.ceil(total / Math.max(1, count)));
  const n = Math.ceil(total / size);
  return { total, size, count: n, state: new Int32Array(new SharedArrayBuffer(4 * (n + 1))) };
}

/** The range of chunk c. */
export function chunkRange(chunks: Chunks, c: number): [number, number] {
  return [c * chunks.size, Math.min(chunks.total, (c + 1) * chunks.size)];
}

/** Claims chunks and runs them until none is left to claim. Returns how many chunks this thread ran. */
export function runChunks(chunks: Chunks, run: (from: number, to: number) => void): number {
  let ran = 0;
  for (;;) {
    const c = Atomics.add(chunks.state, 0, 1);
    if (c >= chunks.count) return ran;
    const [from, to] = chunkRange(chunks, c);
    run(from, to);
    Atomics.store(chunks.state, 1 + c, 1);
    Atomics.notify(chunks.state, 1 + c);
    ran++;
  }
}

/** How many chunks are done. */
export function chunksDone(chunks: Chunks): number {
  let done = 0;
  for (let c = 0; c < chunks.count; c++) done += Atomics.load(chunks.state, 1 + c);
  return done;
}

/**
 * Waits until every chunk is done. `failed()` says the other thread will not finish its chunks (it failed to start or
 * threw); then, or once `patienceMs` pass with no chunk finishing, this thread stops waiting and runs every chunk not
 * done itself (no more can be claimed then). Returns false when it did, true when the other thread finished its own.
 */
export function finishChunks(chunks: Chunks, run: (from: number, to: number) => void, failed: () => boolean, patienceMs = 60_000): boolean {
  // Nothing more may be claimed once this thread waits: what is open is being run elsewhere.
  Atomics.store(chunks.state, 0, chunks.count);
  let done = chunksDone(chunks);
  let since = performance.now();
  for (let c = 0; c < chunks.count; c++) {
    while (Atomics.load(chunks.state, 1 + c) === 0) {
      if (failed() || performance.now() - since > patienceMs) {
        for (let x = c; x < chunks.count; x++) {
          if (Atomics.load(chunks.state, 1 + x) !== 0) continue;
          const [from, to] = chunkRange(chunks, x);
          run(from, to);
        }
        return false;
      }
      Atomics.wait(chunks.state, 1 + c, 0, 500);
      const now = chunksDone(chunks);
      if (now > done) {
        done = now;
        since = performance.now();
      }
    }
  }
  return true;
}

/**
 * One pass split with a worker: makes the chunks, hands them to the worker (`ask` says whether it took them), claims
 * chunks in turn with it, then waits for the worker's. `worker` is whether the worker finished what it claimed;
 * `share` the part of the chunks made that it ran (0 when it failed and this thread ran them).
 */
export function splitWithWorker(
  total: number,
  count: number,
  ask: (chunks: Chunks) => boolean,
  run: (from: number, to: number) => void,
  failed: () => boolean,
): { worker: boolean; share: number } {
  const chunks = sharedChunks(total, count);
  const asked = ask(chunks);
  const ran = runChunks(chunks, run);
  const worker = asked && finishChunks(chunks, run, failed);
  return { worker, share: worker && chunks.count > 0 ? (chunks.count - ran) / chunks.count : 0 };
}
