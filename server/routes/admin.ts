/**
 * POST /api/admin/reload: the SIGHUP reload over HTTP, for operators who cannot signal the process. Registered only
 * when an admin token is configured; the token is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ReloadOutcome } from '../serving.js';
import { errorSchema } from './schemas.js';

export interface AdminOptions {
  token: string;
  reload: (trigger: string) => Promise<ReloadOutcome>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (app, options) => {
  const expected = digest(options.token);
  app.post('/admin/reload', {
    schema: {
      summary: 'Re-read the snapshot file and swap it in when it is valid (needs Authorization: Bearer <admin token>)',
      response: {
        200: { type: 'object', properties: { ok: { type: 'boolean' }, message: { type: 'string' }, ms: { type: 'integer' }, snapshot: { type: 'object', properties: { hash: { type: 'string' }, records: { type: 'integer' }, documents: { type: 'integer' } } } } },
        401: errorSchema,
        422: errorSchema,
      },
    },
  }, async (request, reply) => {
    const auth = request.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthorized', message: 'admin token missing or wrong' });
    }
    const outcome = await options.reload('admin');
    if (!outcome.ok) return reply.status(422).send({ error: 'Unprocessable Entity', message: outcome.message });
    return outcome;
  });
};
