import type { FastifyPluginAsync } from 'fastify';
import type { FactSort } from '../../search/service.js';
import { errorSchema, page, q, size, windowError } from './schemas.js';

export const quantityRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { q?: string; unit?: string; sort?: FactSort; page: number; size: number } }>('/quantities', {
    schema: {
      summary: 'Quantified outcomes: facts with value, unit and the sentence around them',
      querystring: {
        type: 'object',
        properties: {
          q,
          unit: { type: 'string', minLength: 1, maxLength: 20, description: 'unit as printed (万元, %, 天, 个工作日…) or a normalised unit (元, 天)' },
          sort: { type: 'string', enum: ['value_desc', 'value_asc', 'relevance'] },
          page,
          size: size(20),
        },
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: {
            total: { type: 'integer' },
            hits: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  reformId: { type: 'string' }, title: { type: 'string' }, value: { type: 'number' }, max: { type: 'number' }, unit: { type: 'string' },
                  normalized: { type: 'object', properties: { value: { type: 'number' }, unit: { type: 'string' }, max: { type: 'number' } } },
                  change: { type: 'string' }, qualifier: { type: 'string' }, field: { type: 'string' }, text: { type: 'string' }, context: { type: 'string' },
                },
              },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (request, reply) => {
    const { page: p, size: s } = request.query;
    const tooDeep = windowError(p, s);
    if (tooDeep) return reply.status(400).send({ error: 'Bad Request', message: tooDeep });
    return app.service.quantities(request.query);
  });
};
