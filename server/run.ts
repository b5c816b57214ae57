/**
 * Running the server as an operator does: load and check the snapshot before the port opens, say what is served,
 * log each request, swap snapshots on demand and stop gracefully. Used by server/main.ts (the repository's
 * command) and server/release.ts (the bundled, Node-only release), which differ only in where data comes from.
 */
import { existsSync } from 'node:fs';
import { Server as NetServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SnapshotBody } from '../snapshot/body.js';
import { SearchService } from '../search/service.js';
import { bodyHash, type ReadSnapshot } from '../snapshot/file.js';
import { buildApp } from './app.js';
import type { CompiledSchemas } from './compilers.js';
import type { SecurityHeaders } from './security-headers.js';
import { limitsFromEnv } from './guard.js';
import { loadServed, Reloader, ServingState, type Served } from './serving.js';
import { warmUp, type WarmUpOptions, type WarmUpReport } from './warm-up.js';

export interface RunOptions {
  /** A snapshot file to serve (re-read on SIGHUP and by the admin route). */
  snapshot?: string;
  /** The read of `snapshot` already under way (server/cli.ts starts it before this module loads); read here otherwise. */
  reading?: Promise<ReadSnapshot>;
  /** Otherwise: build the index in-process (needs the indexer and jieba; never in a release). */
  build?: () => Promise<{ body: SnapshotBody; origin: string }>;
  /** Folder of the built page; `/` serves nothing when it has no index.html (said at start-up). */
  webRoot: string;
  port: number;
  host: string;
  accessLog: boolean;
  /** Enables POST /api/admin/reload with this bearer token. */
  adminToken?: string;
  /** Upper bound on draining in-flight requests at shutdown. */
  drainSeconds: number;
  log: (line: string) => void;
  /** Shown in the start-up line. */
  version: string;
  /** Route schemas compiled at release time (server/compilers.ts). */
  compiledSchemas?: CompiledSchemas;
  /** Security headers probed at release time (server/security-headers.ts); probed at start-up when absent. */
  securityHeaders?: SecurityHeaders;
  /**
   * The warm-up the server runs on its own snapshot once it listens (server/warm-up.ts; DEFAULT_WARM_UP where not
   * given), after its first answer or WARM_UP_AFTER_MS, whichever comes first; false: none (`--no-warm-up`).
   */
  warmUp?: Partial<WarmUpOptions> | false;
}

export interface RunningServer {
  app: FastifyInstance;
  state: ServingState;
  reloader?: Reloader;
  url: string;
  /** Stop accepting, drain in-flight requests (bounded), close. Resolves when the server is closed. */
  shutdown(reason: string): Promise<{ forced: boolean }>;
  /** The start-up warm-up: resolves with what it did once it ends (undefined when it is off). */
  warmedUp: Promise<WarmUpReport | undefined>;
}

/** How long connections must stay quiet before the drain ends with keep-alive connections still open. */
const QUIET_MS = 250;

/** The warm-up starts at the first answer, or this long after listening when no request came (a quiet start). */
export const WARM_UP_AFTER_MS = 1000;

export async function runServer(o: RunOptions): Promise<RunningServer> {
  const t0 = performance.now();
  let served: Served;
  if (o.snapshot) {
    served = await loadServed(o.snapshot, o.reading);
  } else if (o.build) {
    const { body, origin } = await o.build();
    served = { service: new SearchService(body), snapshot: { hash: bodyHash(body), records: body.records.length, documents: body.sources.filter((s) => s.records > 0).length, builtAt: body.builtAt, origin, loadedAt: new Date().toISOString() } };
  } else {
    throw new Error('nothing to serve: give a snapshot file');
  }
  const state = new ServingState(served);
  const reloader = o.snapshot ? new Reloader(state, o.snapshot, o.log) : undefined;
  const page = existsSync(join(o.webRoot, 'index.html'));
  const app = await buildApp({
    serving: state,
    webRoot: o.webRoot,
    accessLog: o.accessLog ? o.log : undefined,
    admin: o.adminToken && reloader ? { token: o.adminToken, reload: (t) => reloader.reload(t) } : undefined,
    limits: limitsFromEnv(),
    compiledSchemas: o.compiledSchemas,
    securityHeaders: o.securityHeaders,
  });

  // Shutdown bookkeeping: requests in flight, and once draining every answer asks the client to close.
  let inflight = 0;
  let lastActivity = 0;
  let draining = false;
  // The first answer's end: the warm-up waits for it, so it never delays the answer a fresh server gives first.
  let firstAnswered: (() => void) | undefined;
  const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
  app.addHook('onRequest', (request, reply, done) => {
    inflight++;
    lastActivity = performance.now();
    reply.raw.once('close', () => {
      inflight--;
      lastActivity = performance.now();
      if (firstAnswered) firstAnswered(), (firstAnswered = undefined);
    });
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.listen({ port: o.port, host: o.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  const s = served.snapshot;
  o.log(
    `ftz-search ${o.version} listening on ${url}: ${s.records} records from ${s.documents} documents, snapshot ${s.hash.slice(0, 12)}` +
      ` (${s.origin}${s.builtAt ? `, built ${s.builtAt}` : ''}); ` +
      (page ? `page from ${o.webRoot}` : `NO PAGE: ${join(o.webRoot, 'index.html')} is missing, only the API is served (build it with npm run build:web)`) +
      `; access log ${o.accessLog ? 'on' : 'off'}; admin reload ${o.adminToken ? (reloader ? 'on' : 'off (no snapshot file to re-read)') : 'off'}` +
      `; ready in ${Math.round(performance.now() - t0)} ms`,
  );
  // A snapshot from a release with other facets still serves; its stored counts are not read, and the operator is told.
  const unused = served.service.engine.facets.storedUnused;
  if (unused) o.log(`note: ${unused}`);

  // Warm the JIT on the snapshot's own queries, in slices that wait while a request is in flight or queued, and end
  // at shutdown or when another snapshot is served (its code paths are the same functions, already warm).
  // A shutdown during the wait before it ends the wait (and its timer) at once.
  let endWait: (() => void) | undefined;
  const warmedUp =
    o.warmUp === false
      ? Promise.resolve(undefined)
      : (async () => {
          const options = o.warmUp || {};
          const warming = served.service;
          let timer: NodeJS.Timeout | undefined;
          const shuttingDown = new Promise<void>((resolve) => (endWait = resolve));
          await Promise.race([answered, shuttingDown, new Promise<void>((resolve) => (timer = setTimeout(resolve, WARM_UP_AFTER_MS)))]);
          clearTimeout(timer);
          endWait = undefined;
          const r = await warmUp(warming, options, { busy: () => inflight > 0 || app.workQueue.pending > 0, stopped: () => draining || state.service !== warming });
          o.log(`warm-up: ${r.asked} queries made from the snapshot in ${r.slices} slices, ${Math.round(r.sliceMs)} ms of slices, ${(r.cpuMs / 1000).toFixed(1)} s of process CPU (${r.ended})`);
          return r;
        })().catch((e) => {
          o.log(`warm-up stopped by an error: ${(e as Error).message}`);
          return undefined;
        });

  let stopping: Promise<{ forced: boolean }> | undefined;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      draining = true;
      endWait?.();
      const t = performance.now();
      o.log(`${reason}: shutting down — no new connections; draining ${inflight} request(s) in flight (at most ${o.drainSeconds} s)`);
      // Stop accepting only. (http.Server#close would also drop idle keep-alive connections at once, and with
      // them any request already sent on one but not yet read: that is a reset the client sees.)
      NetServer.prototype.close.call(app.server);
      const deadline = t + o.drainSeconds * 1000;
      while (performance.now() < deadline) {
        const open = await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n ?? 0)));
        if (inflight === 0 && (open === 0 || performance.now() - lastActivity >= QUIET_MS)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const cut = inflight;
      app.server.closeAllConnections();
      await app.close();
      const ms = Math.round(performance.now() - t);
      o.log(cut > 0 ? `stopped after the ${o.drainSeconds} s drain limit: ${cut} request(s) cut off` : `stopped: drained in ${ms} ms`);
      return { forced: cut > 0 };
    })();
    return stopping;
  };

  return { app, state, reloader, url, shutdown, warmedUp };
}
