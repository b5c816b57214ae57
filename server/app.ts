/**
 * The Fastify application: routes by prefix under /api, a JSON schema on every route (which also generates the
 * OpenAPI document), errors as { error, message } — a bad parameter is a 400 that names it, never a 500.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import type { SearchService } from '../search/service.js';
import { bodyHash } from '../snapshot/file.js';
import { registerAccessLog } from './access-log.js';
import { adminRoutes, type AdminOptions } from './routes/admin.js';
import { exportRoutes } from './routes/export.js';
import { metaRoutes } from './routes/meta.js';
import { quantityRoutes } from './routes/quantities.js';
import { reformRoutes } from './routes/reforms.js';
import { searchRoutes } from './routes/search.js';
import { ServingState } from './serving.js';

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
}

declare module 'fastify' {
  interface FastifyInstance {
    service: SearchService;
    serving: ServingState;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Query strings are small; anything else is refused rather than parsed.
    bodyLimit: 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  const serving = options.serving ?? fixedServing(options.service);
  // A getter, so a hot swap (one assignment in ServingState) is seen by the next request everywhere.
  app.decorate('service', { getter: () => serving.service });
  app.decorate('serving', serving);
  if (options.accessLog) registerAccessLog(app, options.accessLog);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'FTZ reform search API', version: '1.0.0', description: 'Chinese full-text search over Free Trade Zone reform documents.' },
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const v = error.validation[0];
      const params = (v?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
      const param = (v?.instancePath || '').replace(/^\//, '') || params.missingProperty || params.additionalProperty || error.validationContext || 'request';
      return reply.status(400).send({ error: 'Bad Request', message: `${param}: ${v?.message ?? error.message}` });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    return reply.status(status).send({ error: status === 500 ? 'Internal Server Error' : error.name || 'Error', message: status === 500 ? 'internal error' : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(metaRoutes, { prefix: '/api' });
  await app.register(searchRoutes, { prefix: '/api' });
  await app.register(reformRoutes, { prefix: '/api' });
  await app.register(quantityRoutes, { prefix: '/api' });
  await app.register(exportRoutes, { prefix: '/api' });
  if (options.admin) await app.register(adminRoutes, { prefix: '/api', ...options.admin });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (options.webRoot && existsSync(join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/', index: ['index.html'] });
  }
  return app;
}

function fixedServing(service: SearchService | undefined): ServingState {
  if (!service) throw new Error('buildApp needs a service or a serving state');
  const body = service.body;
  return new ServingState({
    service,
    snapshot: { hash: bodyHash(body), records: body.records.length, documents: body.sources.filter((s) => s.records > 0).length, builtAt: body.builtAt, origin: 'in memory', loadedAt: new Date().toISOString() },
  });
}
