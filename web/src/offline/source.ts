/**
 * The offline data source: fetches the snapshot once (next to index.html), verifies and decodes it, and answers the
 * page's API requests with the server's SearchService (see router.ts). Time spent loading is kept for the status line
 * and the benchmark (window.__offline).
 */
import type { SearchService } from '../../../search/service.js';
import { ApiError, type DataSource } from '../api';
import { answer, serviceFromSnapshot } from './router';

export interface OfflineTimings { fetchMs: number; decodeMs: number; bytes: number }

export function offlineSource(snapshotUrl: string): DataSource {
  let ready: Promise<SearchService> | undefined;
  const load = async (): Promise<SearchService> => {
    const t0 = performance.now();
    let bytes: Uint8Array;
    try {
      const res = await fetch(snapshotUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new ApiError(`无法加载离线索引文件（${snapshotUrl}）：${(e as Error).message}`, 0, String(e));
    }
    const t1 = performance.now();
    try {
      const service = serviceFromSnapshot(bytes);
      const timings: OfflineTimings = { fetchMs: t1 - t0, decodeMs: performance.now() - t1, bytes: bytes.length };
      (globalThis as { __offline?: OfflineTimings }).__offline = timings;
      return service;
    } catch (e) {
      throw new ApiError(`离线索引文件已损坏，无法使用：${(e as Error).message}`, 0, String(e));
    }
  };
  return {
    async get(url, signal) {
      ready ??= load();
      ready.catch(() => { ready = undefined; });
      const service = await ready;
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return answer(service, url);
    },
  };
}
