/**
 * The worker side of the similar stage's first pass (indexer/similar.ts `startReader`): reads the reforms it is
 * handed with a FeatureReader of its own and answers with the reader's state, which the build thread merges in; then
 * finds the candidates of the reforms it is asked for (indexer/similar-candidates.ts) in shared memory.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { FeatureReader, FIELDS, type FeatureSetup } from './similar-features.js';
import { findCandidates, type CandidateInput } from './similar-candidates.js';

const data = workerData as { flag: Int32Array; port: MessagePort; setup: FeatureSetup; texts: string[]; counts: Int32Array; bits: Uint8Array };
const t0 = performance.now();
try {
  const reader = new FeatureReader(data.setup);
  let p = 0;
  for (const count of data.counts) {
    const printings = [];
    for (let c = 0; c < count; c++, p++) {
      const base = p * FIELDS.length;
      printings.push({ text: (fi: number) => data.texts[base + fi], outcomeBits: data.bits[p] });
    }
    reader.readReform(printings);
  }
  const state = reader.exportState();
  data.port.postMessage(state, [state.kind, state.placeCount, state.rawStart, state.rawIds, state.rawTf, state.rawFlags].map((a) => a.buffer as ArrayBuffer));
  Atomics.store(data.flag, 1, Math.round(performance.now() - t0));
  Atomics.store(data.flag, 0, 1);
  // Then, when asked, the candidates of the later reforms, written straight into the shared arrays.
  data.port.once('message', ({ job, from, to }: { job: CandidateInput; from: number; to: number }) => {
    try {
      findCandidates(job, from, to);
      Atomics.store(data.flag, 2, 1);
    } catch {
      Atomics.store(data.flag, 2, 2);
    }
    Atomics.notify(data.flag, 2);
    data.port.close();
  });
} catch (e) {
  data.port.postMessage({ error: String((e as Error).stack ?? e) });
  Atomics.store(data.flag, 0, 2);
}
Atomics.notify(data.flag, 0);
