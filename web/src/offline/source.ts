/**
 * The offline data source: fetches the entry file once (index.snapshot next to index.html), verifies and decodes it,
 * and answers the page's API requests with the server's SearchService (see router.ts); the records' long texts are
 * fetched in chunks when an answer first needs them (chunks.ts). Time spent loading is kept for the status line and
 * the benchmark (window.__offline).
 */
import { ApiError, type DataSource } from '../api';
import { ChunkedIndex, chunkedIndexFromEntry } from './chunks';
import { answer } from './router';
import { sha256Hex } from './sha256';

export interface OfflineTimings {
  fetchMs: number;
  decodeMs: number;
  /** Bytes of the entry file. */
  bytes: number;
  /** Chunk files fetched so far, and their bytes. */
  chunks: number;
  chunkBytes: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new ApiError(`无法加载离线索引文件（${url}）：${(e as Error).message}`, 0, String(e));
  }
}

export function offlineSource(snapshotUrl: string): DataSource {
  let ready: Promise<ChunkedIndex> | undefined;
  let timings: OfflineTimings | undefined;
  const load = async (): Promise<ChunkedIndex> => {
    const t0 = performance.now();
    const bytes = await fetchBytes(snapshotUrl);
    const t1 = performance.now();
    try {
      const index = chunkedIndexFromEntry(bytes, sha256Hex);
      timings = { fetchMs: t1 - t0, decodeMs: performance.now() - t1, bytes: bytes.length, chunks: 0, chunkBytes: 0 };
      (globalThis as { __offline?: OfflineTimings }).__offline = timings;
      return index;
    } catch (e) {
      throw new ApiError(`离线索引文件已损坏，无法使用：${(e as Error).message}`, 0, String(e));
    }
  };
  const chunk = (file: string) => fetchBytes(new URL(file, snapshotUrl).href);
  return {
    async get(url, signal) {
      ready ??= load();
      ready.catch(() => { ready = undefined; });
      const index = await ready;
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      let result;
      try {
        // Serialised inside the run, as the server sends JSON: every field the page will read is read here, so a
        // record whose texts are not loaded yet (an opened record) loads them now, not while the page renders.
        result = await index.run((service) => {
          const a = answer(service, url);
          return { status: a.status, body: JSON.parse(JSON.stringify(a.body)) as unknown };
        }, chunk, sha256Hex);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (/^damaged chunk/.test((e as Error).message)) throw new ApiError(`离线索引文件已损坏，无法使用：${(e as Error).message}`, 0, String(e));
        throw e;
      }
      if (timings) {
        timings.chunks = index.fetched;
        timings.chunkBytes = index.fetchedBytes;
      }
      return result;
    },
  };
}
