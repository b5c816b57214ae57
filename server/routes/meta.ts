import type { FastifyPluginAsync } from 'fastify';

export const metaRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', {
    schema: {
      summary: 'Liveness and record count',
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, records: { type: 'integer' } }, required: ['status', 'records'] } },
    },
  }, async () => ({ status: 'ok', records: app.service.records.length }));

  app.get('/stats', {
    schema: {
      summary: 'Record counts per document, region and category; term counts; how and from what the index was built',
      response: {
        200: {
          type: 'object',
          properties: {
            records: { type: 'integer' },
            documents: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, format: { type: 'string' }, encoding: { type: 'string' }, records: { type: 'integer' }, sha256: { type: 'string' }, bytes: { type: 'integer' } } } },
            regions: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } } },
            categories: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } } },
            quantities: { type: 'integer' },
            terms: { type: 'object', properties: { index: { type: 'integer' }, vocabulary: { type: 'integer' } } },
            built: {
              type: 'object',
              properties: {
                at: { type: 'string' },
                dictionaryVersion: { type: 'string' },
                warnings: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' } } } },
              },
            },
          },
        },
      },
    },
  }, async () => app.service.stats());
};
