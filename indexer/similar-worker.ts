/**
 * The worker side of the similar stage (started by indexer/similar-threads.ts). A `read` worker reads the reforms it is
 * handed with a FeatureReader of its own, answers with the reader's state (merged in by the build thread) and ends;
 * a `rank` worker finds the candidates and lists of the reforms it is asked for (indexer/similar-candidates.ts) in
 * shared memory.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { FeatureReader, FIELDS, type FeatureSetup } from './similar-features.js';
import { buildLists, findCandidates, type CandidateInput, type ListInput } from './similar-candidates.js';

const data = workerData as { role: 'read' | 'rank'; flag: Int32Array; port: MessagePort; setup: FeatureSetup; units: Uint16Array; lengths: Int32Array; counts: Int32Array; bits: Uint8Array };
if (data.role === 'read') read();
else rank();

/** Reads the reforms handed over and answers with the features; the thread then ends. */
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
    for (const count of data.counts) {
      const printings = [];
      for (let c = 0; c < count; c++, p++) {
        const base = p * FIELDS.length;
        printings.push({ text: (fi: number) => text(base + fi), outcomeBits: data.bits[p] });
      }
      reader.readReform(printings);
    }
    const state = reader.exportState();
    data.port.postMessage(state, [state.kind, state.placeCount, state.rawStart, state.rawIds, state.rawTf, state.rawFlags].map((a) => a.buffer as ArrayBuffer));
    Atomics.store(data.flag, 1, Math.round(performance.now() - t0));
    Atomics.store(data.flag, 0, 1);
  } catch (e) {
    data.port.postMessage({ error: String((e as Error).stack ?? e) });
    Atomics.store(data.flag, 0, 2);
  }
  data.port.close();
  Atomics.notify(data.flag, 0);
}

/** Finds, when asked, the candidates and the lists of the later reforms, written straight into shared arrays. */
function rank() {
  data.port.on('message', ({ task, job, from, to }: { task: 'candidates' | 'lists'; job: CandidateInput & ListInput; from: number; to: number }) => {
    const slot = task === 'candidates' ? 2 : 3;
    try {
      if (task === 'candidates') findCandidates(job, from, to);
      else buildLists(job, from, to);
      Atomics.store(data.flag, slot, 1);
    } catch {
      Atomics.store(data.flag, slot, 2);
    }
    Atomics.notify(data.flag, slot);
  });
  Atomics.store(data.flag, 0, 1);
  Atomics.notify(data.flag, 0);
}
