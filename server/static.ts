/**
 * Delivery of the page: compression for the page and the API (@fastify/compress: br or gzip as the browser
 * asks; /api/search encodes its cached answers itself, server/answer-bytes.ts), hashed assets cached for a year as immutable, index.html revalidated on every load (no-cache) so a new
 * build is picked up at once, the favicon, and the single-page fallback: the page's own URLs (/reforms/:id,
 * /outcomes) get index.html; /api/* never does (it stays a JSON 404).
 *
 * Called directly from buildApp (not through register) BEFORE the routes, because compression is an onSend hook
 * that only applies to routes added after it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COMPRESSION } from './answer-bytes.js';

export interface StaticOptions {
  /** The built page (vite output); when it has no index.html only compression is set up. */
  webRoot?: string;
}

/** URLs the page routes itself (kept in step with web/src/route.ts). */
export const PAGE_ROUTES = ['/reforms/:id', '/outcomes'];

export async function serveWeb(app: FastifyInstance, options: StaticOptions): Promise<void> {
  await app.register(fastifyCompress, { global: true, threshold: COMPRESSION.threshold, encodings: [...COMPRESSION.encodings] });

  const root = options.webRoot;
  if (!root || !existsSync(join(root, 'index.html'))) return;

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    wildcard: true,
    // @fastify/static's own Cache-Control is replaced per file below.
    cacheControl: false,
    setHeaders(res, path) {
      if (/[\\/]assets[\\/]/.test(path)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else if (path.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
      else res.setHeader('cache-control', 'public, max-age=86400');
    },
  });

  const page = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
  for (const url of PAGE_ROUTES) app.get(url, { schema: { hide: true } }, (_request, reply) => page(reply));
  // Browsers still ask for /favicon.ico now and then; answer with the SVG rather than a 404.
  app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) => reply.type('image/svg+xml').sendFile('favicon.svg'));
}
