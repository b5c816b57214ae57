/**
 * The offline data source: fetches the entry file once (index.snapshot next to index.html), verifies and decodes it,
 * and answers the page's API requests with the server's SearchService (see router.ts); the index's postings and the
 * records' long texts are fetched in chunks when an answer first needs them, each round's chunks at once (chunks.ts). Time spent loading is kept for the status line and
 * the benchmark (window.__offline).
 */
import { ApiError, type DataSource } from '../api';
import { ChunkedIndex, chunkedIndexFromEntry } from './chunks';
import { answer, prefetchHint } from './router';
import { sha256Hex } from './sha256';
import { readSnapshotHeader } from '../../../snapshot/container.js';

/**
 * The entry file's checksum function: the browser's native SHA-256 where the page has it (a secure context: https or
 * localhost), computed ahead for the payload the decoder will hash; plain JavaScript otherwise (plain-http intranets).
 * Native hashing of a large entry file takes milliseconds where the JavaScript one takes about a second per 20 MB.
 */
async function entryHash(bytes: Uint8Array): Promise<(b: Uint8Array) => string> {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (!subtle) return sha256Hex;
  try {
    const payload = bytes.subarray(readSnapshotHeader(bytes).payloadStart);
    const digest = new Uint8Array(await subtle.digest('SHA-256', payload as Uint8Array<ArrayBuffer>));
    const hex = Array.from(digest, (x) => x.toString(16).padStart(2, '0')).join('');
    return (b) => (b.buffer === payload.buffer && b.byteOffset === payload.byteOffset && b.byteLength === payload.byteLength ? hex : sha256Hex(b));
  } catch {
    return sha256Hex; // a bad header: the decoder says why
  }
}

export interface OfflineTimings {
  fetchMs: number;
  decodeMs: number;
  /** Bytes of the entry file. */
  bytes: number;
  /** Chunk files fetched so far (postings and record texts), their bytes, and the rounds of parallel fetches. */
  chunks: number;
  chunkBytes: number;
  rounds: number;
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
      const index = chunkedIndexFromEntry(bytes, await entryHash(bytes));
      timings = { fetchMs: t1 - t0, decodeMs: performance.now() - t1, bytes: bytes.length, chunks: 0, chunkBytes: 0, rounds: 0 };
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
        }, chunk, sha256Hex, (service) => prefetchHint(service, url));
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (/^damaged chunk/.test((e as Error).message)) throw new ApiError(`离线索引文件已损坏，无法使用：${(e as Error).message}`, 0, String(e));
        throw e;
      }
      if (timings) {
        timings.chunks = index.fetched;
        timings.chunkBytes = index.fetchedBytes;
        timings.rounds = index.rounds;
      }
      return result;
    },
  };
}
