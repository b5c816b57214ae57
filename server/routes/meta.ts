import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { redactPaths } from '../guard.js';

/** Health is answered at once, never queued behind search work (server/guard.ts) nor rate limited. */
const healthSchema = Type.Object({ status: Type.Literal('ok'), records: Type.Integer() });

export const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    schema: { summary: 'Liveness and record count', response: { 200: healthSchema } },
  }, async () => ({ status: 'ok' as const, records: app.service.records.length }));

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
  }, async () => {
    const stats = app.service.stats();
    // Warnings were written at build time, possibly by an older indexer: no server folder reaches a client.
    const warnings = stats.built.warnings.map((w) => ({ ...w, file: w.file.split(/[\\/]/).pop() ?? w.file, message: redactPaths(w.message) }));
    return { ...stats, built: { ...stats.built, warnings } };
  });
};
