/**
 * Quantities of records read from JSON Lines, extracted in a worker thread while this thread reads and parses the
 * next lines: extraction is about two thirds of the read stage's CPU on a large records file (30k generated records:
 * 1.7 s of this thread's CPU, 0.6 s with the worker), and nothing else runs while the build reads. Records go in
 * batches as they are read; this thread extracts one batch in SHARE_HERE itself, so both threads end about together.
 * finish() waits for the last answer.
 */
import type { Worker } from 'node:worker_threads';
import { extractQuantities } from '../analysis/quantities.js';
import { siblingModule, startModuleWorker } from './module-worker.js';
import type { QuantityBatch } from './quantities-worker.js';
import { TEXT_FIELDS, type Quantity, type ReformRecord } from './schema.js';

/** Records per message: large enough that messages are few, small enough that the worker starts early. */
const BATCH = 1000;
/** Every SHARE_HERE-th batch is extracted in this thread (reading alone is about half of extracting). */
const SHARE_HERE = 3;

/** A record's quantities from its TEXT_FIELDS texts, in the order parseRecordLine gives them. */
export function fieldQuantities(fields: string[]): Quantity[] {
  const out: Quantity[] = [];
  TEXT_FIELDS.forEach((f, k) => {
    if (fields[k]) out.push(...extractQuantities(fields[k], f));
  });
  return out;
}

export class QuantityBatches {
  private readonly worker: Worker;
  private batch: ReformRecord[] = [];
  private readonly sent = new Map<number, ReformRecord[]>();
  private next = 0;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor() {
    this.worker = startModuleWorker(siblingModule('quantities-worker', import.meta.url));
    this.worker.on('message', ({ id, quantities }: { id: number; quantities: Quantity[][] }) => {
      const records = this.sent.get(id)!;
      this.sent.delete(id);
      records.forEach((r, i) => (r.quantities = quantities[i]));
      if (this.sent.size === 0) this.settle?.();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.settle?.();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`quantities worker exited with ${code} before answering`)));
  }

  /** Queue a record whose quantities are to be extracted (its `quantities` are filled in by finish()). */
  add(record: ReformRecord): void {
    this.batch.push(record);
    if (this.batch.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (!this.batch.length) return;
    const id = this.next++;
    if (id % SHARE_HERE === SHARE_HERE - 1) {
      for (const r of this.batch) r.quantities = fieldQuantities(TEXT_FIELDS.map((f) => r[f] ?? ''));
      this.batch = [];
      return;
    }
    this.sent.set(id, this.batch);
    const message: QuantityBatch = { id, texts: this.batch.map((r) => TEXT_FIELDS.map((f) => r[f] ?? '')) };
    this.worker.postMessage(message);
    this.batch = [];
  }

  /** Stop the worker without waiting (the read failed). */
  cancel(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate();
  }

  /** Wait until every queued record has its quantities, then stop the worker. Rejects if the worker failed. */
  async finish(): Promise<void> {
    this.flush();
    try {
      if (this.sent.size && !this.failure) await new Promise<void>((resolve) => (this.settle = resolve));
      if (this.failure && this.sent.size) throw this.failure;
    } finally {
      this.worker.removeAllListeners('exit');
      await this.worker.terminate();
    }
  }
}
