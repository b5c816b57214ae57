/**
 * The API over the seed corpus in a process of its own, for load, flood and soak runs (bench/soak.ts and
 * test/reliability.test.ts): a client in the same process would compete with the server for its event loop.
 * Started with fork(); listens on 127.0.0.1 port 0 and sends { port } over IPC. Answers { cmd: 'stats' } with its
 * heap after a full GC (when run with --expose-gc) and its queue counters. Exits when its parent goes away.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { buildSnapshot } from '../indexer/build.js';
import { SearchService } from '../search/service.js';
import { buildApp } from '../server/app.js';
import type { Limits } from '../server/guard.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const limits = JSON.parse(process.env.SERVE_LIMITS ?? '{}') as Partial<Limits>;
const { body } = await buildSnapshot({ seedsDir: join(root, 'seeds'), dictDir: join(root, 'dict') });
const app = await buildApp({ service: new SearchService(body), limits });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: { cmd?: string }) => {
  if (m?.cmd !== 'stats') return;
  if (gc) for (let i = 0; i < 3; i++) gc();
  const q = app.workQueue;
  process.send?.({ stats: { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, gc: !!gc, refused: q.refused, yields: q.yields, longestJobMs: q.longestJobMs } });
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
process.send?.({ port });
