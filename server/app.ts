/**
 * The Fastify application: routes by prefix under /api, a JSON schema on every route (which also generates the
 * OpenAPI document), errors as { error, message } everywhere — a bad parameter is a 400 that names it, never a 500.
 * Hardening (docs/reliability.md): security headers, a rate limit per client, a queue and time budget for search
 * work (server/guard.ts), connection timeouts.
 */
import { STATUS_CODES } from 'node:http';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyError, type FastifyServerOptions } from 'fastify';
import type { SearchService } from '../search/service.js';
import { bodyHash } from '../snapshot/file.js';
import { registerAccessLog } from './access-log.js';
import { adminRoutes, type AdminOptions } from './routes/admin.js';
import { DEFAULT_LIMITS, HttpError, installGuards, redactPaths, sendError, type Limits, type WorkQueue } from './guard.js';
import { validationMessage } from './validation-message.js';
import { exportRoutes } from './routes/export.js';
import { metaRoutes } from './routes/meta.js';
import { outcomeRoutes } from './routes/outcomes.js';
import { quantityRoutes } from './routes/quantities.js';
import { reformRoutes } from './routes/reforms.js';
import { searchRoutes } from './routes/search.js';
import { ServingState } from './serving.js';
import { serveWeb } from './static.js';
import { lazyCompilers, type CompiledSchemas } from './compilers.js';
import { API_HEADERS_LEFT_OUT, probeSecurityHeaders, type SecurityHeaders } from './security-headers.js';

export interface AppOptions {
  /** Served for the app's lifetime, unless `serving` is given. */
  service?: SearchService;
  /** Hot-swappable serving state (server/serving.ts): routes read its current service on every request. */
  serving?: ServingState;
  /** One access-log line per request goes here (server/access-log.ts); none when absent. */
  accessLog?: (line: string) => void;
  /** POST /api/admin/reload, registered only when given (that is, when an admin token is configured). */
  admin?: AdminOptions;
  /** Folder of the built web page (vite build output); the page is served at / when it exists. */
  webRoot?: string;
  logger?: boolean;
  /** Budgets, queue, rate limit and timeouts; DEFAULT_LIMITS where not given (main.ts reads them from the environment). */
  limits?: Partial<Limits>;
  /** Route schemas a release compiled ahead (server/compilers.ts); the others are compiled on first use. */
  compiledSchemas?: CompiledSchemas;
  /** The security headers a release probed when it was made (server/security-headers.ts); probed at start-up when absent. */
  securityHeaders?: SecurityHeaders;
  /** Replaces the compilers altogether (release time: scripts/compiled-schemas.ts compiles every schema at once). */
  schemaController?: FastifyServerOptions['schemaController'];
}

declare module 'fastify' {
  interface FastifyInstance {
    service: SearchService;
    serving: ServingState;
    /** The queue expensive requests wait in (its length and refusals are read by tests and the soak). */
    workQueue: WorkQueue;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  // Route schemas are compiled on first use (or just after listen), not before the port opens: server/compilers.ts.
  const compilers = lazyCompilers(options.compiledSchemas);
  const app = Fastify({
    schemaController: options.schemaController ?? compilers.schemaController,
    logger: options.logger ?? false,
    // Query strings are small; anything else is refused rather than parsed.
    bodyLimit: 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks header and request timeouts on this interval (30 s by default): a slow client is cut within a second.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    requestTimeout: limits.requestTimeoutMs,
    // Malformed URLs and bad content types are answered in the one error shape too.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400, error.message);
    },
    // A malformed HTTP request never reaches Fastify: answer it in the same shape on the raw socket.
    clientErrorHandler: (error, socket) => {
      const code = (error as { code?: string }).code;
      if (code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({ error: STATUS_CODES[status], message: status === 408 ? 'request took too long to arrive' : 'malformed HTTP request' });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
  });
  // Every route is registered by onReady: the compilers load now if some route's schema is not in a release's table.
  app.addHook('onReady', async () => compilers.prepare());
  // Warm the rest once start-up's own requests are through: compiling competes with the first answers otherwise.
  app.addHook('onListen', (done) => {
    setTimeout(() => void compilers.warm(), 1000).unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    compilers.stop();
    done();
  });
  const serving = options.serving ?? fixedServing(options.service);
  // A getter, so a hot swap (one assignment in ServingState) is seen by the next request everywhere.
  app.decorate('service', { getter: () => serving.service });
  app.decorate('serving', serving);
  if (options.accessLog) registerAccessLog(app, options.accessLog);

  // Security headers (server/security-headers.ts): computed once (a release's at release time), set per request; /api
  // answers leave out those that act only on a rendered document (API_HEADERS_LEFT_OUT).
  const security = options.securityHeaders ?? (await probeSecurityHeaders());
  const apiSecurity = Object.fromEntries(Object.entries(security).filter(([name]) => !API_HEADERS_LEFT_OUT.has(name)));
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? apiSecurity : security);
    done();
  });

  if (limits.rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      global: true,
      max: limits.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      keyGenerator: rateLimitKey,
      // Health checks are never limited; loopback clients (the operator's own tools) only when asked.
      allowList: (request) => request.url.startsWith('/api/health') || (limits.rateLimitExemptLoopback && isLoopback(request.ip)),
      errorResponseBuilder: (_request, context) =>
        new HttpError(429, `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`, Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'FTZ reform search API', version: '1.0.0', description: 'Chinese full-text search over Free Trade Zone reform documents.' },
    },
  });

  app.decorate('workQueue', installGuards(app, limits));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const part = error.validationContext;
      const values = part === 'querystring' ? request.query : part === 'params' ? request.params : part === 'body' ? request.body : undefined;
      const schema = (request.routeOptions.schema as Record<string, { properties?: Record<string, unknown> } | undefined> | undefined)?.[part ?? ''];
      return sendError(reply, 400, validationMessage(error.validation, part, values, Object.keys(schema?.properties ?? {})));
    }
    const status = error.statusCode && error.statusCode >= 400 && (error.statusCode < 500 || error.statusCode === 503) ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    const retryAfter = error instanceof HttpError ? error.retryAfter : undefined;
    return sendError(reply, status, status === 500 ? 'internal error' : redactPaths(error.message), retryAfter);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 404, `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`);
  });

  await serveWeb(app, { webRoot: options.webRoot });
  await app.register(metaRoutes, { prefix: '/api' });
  await app.register(searchRoutes, { prefix: '/api', answerCacheBytes: limits.answerCacheBytes });
  await app.register(reformRoutes, { prefix: '/api' });
  await app.register(quantityRoutes, { prefix: '/api' });
  await app.register(outcomeRoutes, { prefix: '/api' });
  await app.register(exportRoutes, { prefix: '/api' });
  if (options.admin) await app.register(adminRoutes, { prefix: '/api', ...options.admin });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

function fixedServing(service: SearchService | undefined): ServingState {
  if (!service) throw new Error('buildApp needs a service or a serving state');
  const body = service.body;
  let hash: string | undefined;
  return new ServingState({
    service,
    // The hash packs the whole body (brotli): computed when first asked for (health, stats), not for every app built.
    snapshot: { get hash() { return (hash ??= bodyHash(body)); }, records: body.records.length, documents: body.sources.filter((s) => s.records > 0).length, builtAt: body.builtAt, origin: 'in memory', loadedAt: new Date().toISOString() },
  });
}

/**
 * The rate limit's own key (its normalizeIP: an IPv6 client by its /64, an IPv4-mapped one as IPv4), with IPv4
 * addresses told apart by their lack of a colon first. The plugin asks node:net's isIPv6 for every request, whose
 * regular expression is compiled at its first call and again at its second (about 4 ms of CPU in the first answers
 * after start-up); an address without a colon is never IPv6, so the keys are the same. The plugin's `ipv6Subnet`
 * option reaches only its default key generator: this key always groups IPv6 clients by /64 (the plugin's default).
 */
export function rateLimitKey(request: { ip: string }): string {
  return request.ip.includes(':') ? normalizeIP(request.ip) : request.ip.toLowerCase();
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
