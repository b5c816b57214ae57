/**
 * The Fastify application: routes by prefix under /api, a JSON schema on every route (which also generates the
 * OpenAPI document), errors as { error, message } — a bad parameter is a 400 that names it, never a 500.
 */
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import type { SearchService } from '../search/service.js';
import { exportRoutes } from './routes/export.js';
import { metaRoutes } from './routes/meta.js';
import { quantityRoutes } from './routes/quantities.js';
import { reformRoutes } from './routes/reforms.js';
import { searchRoutes } from './routes/search.js';
import { serveWeb } from './static.js';

export interface AppOptions {
  service: SearchService;
  /** Folder of the built web page (vite build output); the page is served at / when it exists. */
  webRoot?: string;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    service: SearchService;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Query strings are small; anything else is refused rather than parsed.
    bodyLimit: 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  app.decorate('service', options.service);

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

  await serveWeb(app, { webRoot: options.webRoot });
  await app.register(metaRoutes, { prefix: '/api' });
  await app.register(searchRoutes, { prefix: '/api' });
  await app.register(reformRoutes, { prefix: '/api' });
  await app.register(quantityRoutes, { prefix: '/api' });
  await app.register(exportRoutes, { prefix: '/api' });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
