/**
 * The worker side of the similar stage (started by indexer/similar-threads.ts). A `read` worker reads the reforms it is
 * handed with a FeatureReader of its own, answers with the reader's state (merged in by the build thread) and ends;
 * a `rank` worker finds the candidates and lists of the reforms it is asked for (indexer/similar-candidates.ts) in
 * shared memory.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { FeatureReader, FIELDS, type FeatureSetup } from './similar-features.js';
import { candidateRunner, listRunner, type CandidateInput, type ListInput } from './similar-candidates.js';
import { runChunks, type Chunks } from './shared-chunks.js';

const data = workerData as { role: 'read' | 'rank'; flag: Int32Array; port: MessagePort; setup: FeatureSetup; units: Uint16Array; lengths: Int32Array; counts: Int32Array; bits: Uint8Array; claims: Int32Array; chunkStart: Int32Array };
if (data.role === 'read') read();
else rank();

/**
 * Reads the reforms handed over, a chunk at a time from the first (chunk c is reforms chunkStart[c] … chunkStart[c + 1]
 * of the job), claiming each in `claims` (0 open, 1 this worker's, 2 the build thread's) until it meets one the build
 * thread took from the end; answers with the features of the chunks it read (the first ones, in order), and ends.
 */
function read() {
  const t0 = performance.now();
  try {
    const starts = new Float64Array(data.lengths.length + 1);
    for (let x = 0; x < data.lengths.length; x++) starts[x + 1] = starts[x] + data.lengths[x];
    // The code units are in the machine's byte order: the UTF-16LE decoder reads them only where that is little-endian.
    // ignoreBOM keeps a text's leading U+FEFF (by default the decoder drops it, and the text would differ).
    const decoder = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? new TextDecoder('utf-16le', { ignoreBOM: true }) : undefined;
    /** Text x, decoded when read. The decoder turns a lone surrogate into U+FFFD: such a text (rare) is rebuilt code
     *  unit by code unit, so this thread reads exactly what the build thread would have. */
    const text = (x: number): string => {
      const view = data.units.subarray(starts[x], starts[x + 1]);
      const t = decoder?.decode(view) ?? '\uFFFD';
      if (!t.includes('\uFFFD')) return t;
      let exact = '';
      for (let c = 0; c < view.length; c += 4096) exact += String.fromCharCode(...view.subarray(c, c + 4096));
      return exact;
    };
    const reader = new FeatureReader(data.setup);
    let p = 0;
    let r = 0;
    for (let chunk = 0; chunk < data.claims.length && Atomics.compareExchange(data.claims, chunk, 0, 1) === 0; chunk++) {
      for (; r < data.chunkStart[chunk + 1]; r++) {
        const printings = [];
        for (let c = 0; c < data.counts[r]; c++, p++) {
          const base = p * FIELDS.length;
          printings.push({ text: (fi: number) => text(base + fi), outcomeBits: data.bits[p] });
        }
        reader.readReform(printings);
      }
      Atomics.add(data.flag, 4, 1);
    }
    const state = reader.exportState();
    data.port.postMessage(state, [state.kind, state.placeCount, state.rawStart, state.rawIds, state.rawTf, state.rawFlags, state.rawPlain].map((a) => a.buffer as ArrayBuffer));
    Atomics.store(data.flag, 1, Math.round(performance.now() - t0));
    Atomics.store(data.flag, 0, 1);
  } catch (e) {
    data.port.postMessage({ error: String((e as Error).stack ?? e) });
    Atomics.store(data.flag, 0, 2);
  }
  data.port.close();
  Atomics.notify(data.flag, 0);
}

/** Takes chunks of the candidates or lists pass when asked, written straight into shared arrays, until none is left
 *  to claim. */
function rank() {
  data.port.on('message', ({ task, job, chunks }: { task: 'candidates' | 'lists'; job: CandidateInput & ListInput; chunks: Chunks }) => {
    const slot = task === 'candidates' ? 2 : 3;
    try {
      runChunks(chunks, task === 'candidates' ? candidateRunner(job) : listRunner(job));
      Atomics.store(data.flag, slot, 1);
    } catch {
      Atomics.store(data.flag, slot, 2);
    }
    Atomics.notify(data.flag, slot);
  });
  Atomics.store(data.flag, 0, 1);
  Atomics.notify(data.flag, 0);
}
