/**
 * Warming a serving process's query path before users need it.
 *
 * V8 optimises a function only after it has run a while: at the seeds the search path's own functions (the service's
 * search, the analyser's analyse, the scorer's fills) were still reaching TurboFan for the first time 1,000–3,000
 * queries into a process, and each first optimisation was often followed by a "wrong map" deopt and a second one
 * (`--trace-opt --trace-deopt` over the kind loops of bench/latency.ts: 53–146 compilations and 4–20 deopts in the
 * 1,000 measured pairs after 250 warm ones; 4–8 compilations per 1,000 after 5,000). Until then a query runs in
 * unoptimised code, and on a 2-core machine the compile jobs' threads take the core the serving thread runs on.
 *
 * So a server warms itself after it starts listening: queries of each form users type (one word, two words, a
 * phrase, an exclusion, a region filter, a question, a two-character prefix, the empty query with facets), made from
 * the served records' own titles, one per event-loop turn (a request waits for one query at most), within a query
 * count and a time budget. The service's caches are cleared at the end, so no answer depends on the warm-up: it
 * changes how fast the code is, never what it returns.
 */
import type { SearchParams, SearchService } from './service.js';

export interface WarmOptions {
  /** Queries at most (default 3,000: about where the seeds' query functions stop compiling for the first time). */
  queries: number;
  /** Wall-clock milliseconds at most (default 2,000): a large collection's slower queries end the warm-up sooner. */
  budgetMs: number;
}

export const DEFAULT_WARM: WarmOptions = { queries: 3000, budgetMs: 2000 };

export interface WarmResult {
  queries: number;
  ms: number;
}

const HAN_RUN = /[\u4e00-\u9fff]{2,}/g;
/** How a question opens (the analyser's question path: framing words, asked aims). */
const ASKS = ['如何', '怎样办理', '企业如何申请'];

/**
 * The warm-up queries: for records spread over the collection, words cut from their titles' Han runs, in turn as each
 * of the eight forms. Pure: the same records give the same queries.
 */
export function warmQueries(records: readonly { title: string; regions: readonly string[] }[], n: number): SearchParams[] {
  const out: SearchParams[] = [];
  if (records.length === 0 || n <= 0) return out;
  // A stride coprime-ish to the form count, so successive records take different forms and the whole collection is met.
  const stride = Math.max(1, Math.floor(records.length / Math.min(records.length, Math.ceil(n / 8))));
  for (let k = 0, r = 0; out.length < n && k < n * 4; k++, r = (r + stride) % records.length) {
    const rec = records[(r + Math.floor(k / records.length)) % records.length];
    const runs = rec.title.match(HAN_RUN) ?? [];
    if (runs.length === 0) continue;
    const run = runs[k % runs.length];
    const at = run.length > 4 ? k % (run.length - 3) : 0;
    const word = run.slice(at, at + Math.min(4, run.length));
    const two = run.slice(at, at + 2);
    const other = runs[(k + 1) % runs.length].slice(0, 2);
    const region = rec.regions[0];
    switch (out.length % 8) {
      case 0: out.push({ q: word, size: 10 }); break;
      case 1: out.push({ q: other === two ? word : `${word} ${other}`, size: 10 }); break;
      case 2: out.push({ q: `"${word}"`, size: 10 }); break;
      case 3: out.push({ q: other === two ? word : `${word} -${other}`, size: 10 }); break;
      case 4: out.push({ q: word, size: 10, filters: region ? { region: [region] } : {} }); break;
      case 5: out.push({ q: `${ASKS[k % ASKS.length]}${run.slice(0, 8)}`, size: 10 }); break;
      case 6: out.push({ q: two, size: 10 }); break;
      default: out.push({ q: '', size: 10, filters: region && k % 2 ? { region: [region] } : {} }); break;
    }
  }
  return out;
}

/** Each warm-up query as a user's: answered, then answered again (the repeat reads the caches, as a reload does). */
function answer(service: SearchService, params: SearchParams): void {
  service.search(params);
  service.search(params);
}

/** Warm `service`'s query path now, in one go (a measuring process, before it measures); caches cleared after. */
export function warmUp(service: SearchService, options: Partial<WarmOptions> = {}): WarmResult {
  const o = { ...DEFAULT_WARM, ...options };
  const t0 = performance.now();
  const queries = warmQueries(service.records, o.queries);
  let done = 0;
  for (const params of queries) {
    if (performance.now() - t0 >= o.budgetMs) break;
    answer(service, params);
    done++;
  }
  service.clearCache();
  return { queries: done, ms: performance.now() - t0 };
}

export interface Warming {
  /** Stop after the query under way (at shutdown). */
  stop(): void;
  /** Resolves when the warm-up ends (budget spent, every query answered, or stopped). */
  done: Promise<WarmResult>;
}

/**
 * Warm `service` in the background of a serving process: one query per event-loop turn (setImmediate), so requests
 * interleave with it and wait for one warm-up query at most; caches cleared at the end.
 */
export function warmInBackground(service: SearchService, options: Partial<WarmOptions> = {}): Warming {
  const o = { ...DEFAULT_WARM, ...options };
  const t0 = performance.now();
  let queries: SearchParams[] | undefined;
  let i = 0;
  let stopped = false;
  let timer: NodeJS.Immediate | undefined;
  let resolve!: (r: WarmResult) => void;
  const done = new Promise<WarmResult>((r) => (resolve = r));
  const end = () => {
    timer = undefined;
    service.clearCache();
    resolve({ queries: i, ms: performance.now() - t0 });
  };
  const step = () => {
    queries ??= warmQueries(service.records, o.queries);
    if (stopped || i >= queries.length || performance.now() - t0 >= o.budgetMs) return end();
    answer(service, queries[i++]);
    timer = setImmediate(step);
  };
  timer = setImmediate(step);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      // A turn already queued ends it now, rather than keeping the process alive for one more query.
      if (timer) {
        clearImmediate(timer);
        end();
      }
    },
    done,
  };
}
