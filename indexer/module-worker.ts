/**
 * A worker thread running one of the indexer's own modules, so a build stage can use the second core.
 *
 * The indexer runs from its TypeScript sources (under tsx, or vitest in the tests), and Node 20 does not hand a
 * thread's module loader to the workers it starts: a worker given a `.ts` file cannot load it. So the worker starts
 * from a few lines of plain JavaScript that register tsx's loader in that thread first, then import the module
 * (a compiled `.js` module is imported as it is). The module talks to its parent through `parentPort`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** The worker's first lines: register tsx (for a `.ts` module) and import the module. A module that cannot load
 *  sets slot 0 of `workerData.flag` (when there is one) to 2 and wakes its waiter: a parent blocked in Atomics.wait
 *  never hears the worker's error event. */
function bootSource(module: URL): string {
  const target = JSON.stringify(module.href);
  const failed = `.catch((e) => { const { workerData } = require('node:worker_threads'); const flag = workerData && workerData.flag; if (flag instanceof Int32Array) { Atomics.store(flag, 0, 2); Atomics.notify(flag, 0); } throw e; })`;
  if (!module.pathname.endsWith('.ts')) return `import(${target})${failed};`;
  // tsx's ESM register API; its package maps `tsx/esm/api` to index.cjs for require and index.mjs for import.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${target}); })${failed};`;
}

/** Start `module` in a worker thread (it answers the messages it is sent through `parentPort`, or through a port
 *  handed over in `workerData`). */
export function startModuleWorker(module: URL, options: { workerData?: unknown; transferList?: TransferListItem[] } = {}): Worker {
  return new Worker(bootSource(module), { eval: true, ...options });
}

/** The URL of a sibling module of `from` (an import.meta.url) as that one is run: TypeScript source or compiled .js. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/**
 * Start `module` in a worker, send it `input` (the buffers in `transfer` are moved, not copied) and resolve with
 * the first message it posts back. A worker that fails or exits before answering rejects with why; `signal`
 * aborted ends the worker (its caller failed and will not read the answer).
 */
export function runInWorker<T>(module: URL, input: unknown, transfer: TransferListItem[] = [], signal?: AbortSignal): Promise<T> {
  return talkToWorker<T>(module, input, transfer, signal).answer;
}

/**
 * runInWorker, with `post` to send the worker more messages meanwhile (work whose input is known only after it
 * started). `post` sends at once: a promise callback would run only when this thread next yields, which a build
 * thread inside a long synchronous stage does not.
 */
export function talkToWorker<T>(module: URL, input: unknown, transfer: TransferListItem[] = [], signal?: AbortSignal): { answer: Promise<T>; post: (message: unknown) => void } {
  const worker = startModuleWorker(module);
  worker.postMessage(input, transfer);
  const end = () => void worker.terminate();
  // Already aborted: the caller failed before the worker started, so it is ended at once (an abort listener added
  // now would never run).
  if (signal?.aborted) end();
  else signal?.addEventListener('abort', end, { once: true });
  const answer = new Promise<T>((resolve, reject) => {
    worker.once('message', (answer: T) => {
      resolve(answer);
      end();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${module.pathname.split('/').pop()} worker exited with ${code} before answering`)));
  }).finally(() => signal?.removeEventListener('abort', end)); // answered or exited: the signal no longer holds the worker
  return { answer, post: (message) => worker.postMessage(message) };
}

/** Every array buffer under `x` (typed arrays in nested objects), to move with a message instead of copying. */
export const buffersOf = (x: object): ArrayBuffer[] => {
  const out = new Set<ArrayBuffer>();
  const walk = (v: unknown) => {
    if (ArrayBuffer.isView(v)) out.add(v.buffer as ArrayBuffer);
    else if (v && typeof v === 'object') for (const w of Object.values(v)) walk(w);
  };
  walk(x);
  return [...out];
};
