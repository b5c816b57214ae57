import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { redactPaths } from '../guard.js';

/**
 * Health is answered at once, never queued behind search work (server/guard.ts) nor rate limited. A refused reload
 * leaves the status ok (the old snapshot is still served) but is reported: `reloadFailed` says when and why, until a
 * reload succeeds.
 */
const healthSchema = Type.Object({
  status: Type.Literal('ok'),
  records: Type.Integer(),
  snapshot: Type.String(),
  reloadFailed: Type.Optional(Type.Object({ trigger: Type.String(), at: Type.String(), message: Type.String() })),
});

export const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    schema: { summary: 'Liveness, record count and the snapshot served', response: { 200: healthSchema } },
  }, async () => {
    // Both from one read of the serving state, so they always describe the same snapshot during a swap.
    const { service, snapshot } = app.serving.current;
    const last = app.serving.lastReload;
    const failed = last && !last.ok ? { reloadFailed: stripPaths({ trigger: last.trigger, at: last.at, message: last.message }, snapshot.origin) } : {};
    return { status: 'ok' as const, records: service.records.length, snapshot: snapshot.hash, ...failed };
  });

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
            served: {
              type: 'object',
              properties: {
                snapshot: { type: 'object', properties: { hash: { type: 'string' }, records: { type: 'integer' }, documents: { type: 'integer' }, builtAt: { type: 'string' }, origin: { type: 'string' }, loadedAt: { type: 'string' } } },
                lastReload: { type: 'object', properties: { ok: { type: 'boolean' }, trigger: { type: 'string' }, at: { type: 'string' }, message: { type: 'string' }, ms: { type: 'integer' } } },
              },
            },
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
    const { service, snapshot } = app.serving.current;
    const { origin, ...rest } = snapshot;
    const stats = service.stats();
    // Warnings were written at build time, possibly by an older indexer: no server folder reaches a client.
    const warnings = stats.built.warnings.map((w) => ({ ...w, file: w.file.split(/[\\/]/).pop() ?? w.file, message: redactPaths(w.message) }));
    // A file path is shown by name only: the API never reveals server paths.
    const shownOrigin = origin === 'in memory' ? origin : origin.split(/[\\/]/).pop();
    return { ...stats, built: { ...stats.built, warnings }, served: { snapshot: { ...rest, origin: shownOrigin }, lastReload: app.serving.lastReload && stripPaths(app.serving.lastReload, origin) } };
  });
};

function stripPaths<T extends { message: string }>(outcome: T, path: string): T {
  const name = path.split(/[\\/]/).pop() ?? path;
  return { ...outcome, message: outcome.message.split(path).join(name) };
}
