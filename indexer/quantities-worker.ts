/**
 * Worker side of QuantityBatches (indexer/quantities-batches.ts): the quantities of each record it is sent, from
 * its text fields in TEXT_FIELDS order, in the order a record read in this thread would get them.
 */
import { parentPort } from 'node:worker_threads';
import { fieldQuantities } from './quantities-batches.js';

export interface QuantityBatch {
  id: number;
  /** Per record, its TEXT_FIELDS texts ('' where absent). */
  texts: string[][];
}

parentPort!.on('message', ({ id, texts }: QuantityBatch) => {
  parentPort!.postMessage({ id, quantities: texts.map(fieldQuantities) });
});
