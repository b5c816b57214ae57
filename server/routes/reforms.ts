import type { FastifyPluginAsync } from 'fastify';
import { recordExtraProperties } from './outcome-schemas.js';
import { errorSchema, size } from './schemas.js';

const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'] } as const;

const quantitySchema = {
  type: 'object',
  properties: {
    value: { type: 'number' }, max: { type: 'number' }, unit: { type: 'string' }, text: { type: 'string' }, field: { type: 'string' },
    start: { type: 'integer' }, end: { type: 'integer' }, change: { type: 'string' }, qualifier: { type: 'string' },
    normalized: { type: 'object', properties: { value: { type: 'number' }, unit: { type: 'string' }, max: { type: 'number' } } },
  },
} as const;

export const reformSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, title: { type: 'string' }, category: { type: 'string' }, content: { type: 'string' }, applicableTo: { type: 'string' },
    process: { type: 'string' }, outcome: { type: 'string' }, scope: { type: 'string' },
    departments: { type: 'array', items: { type: 'string' } }, regions: { type: 'array', items: { type: 'string' } },
    source: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, titleDerived: { type: 'boolean' }, no: { type: 'integer' }, line: { type: 'integer' } } },
    quantities: { type: 'array', items: quantitySchema },
    ...recordExtraProperties,
    related: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, file: { type: 'string' } } } },
  },
} as const;

export const reformRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/reforms/:id', {
    schema: { summary: 'One whole record, with its quantities and related copies', params: idParam, response: { 200: reformSchema, 400: errorSchema, 404: errorSchema } },
  }, async (request, reply) => {
    const r = app.service.reform(request.params.id);
    if (!r) return reply.status(404).send({ error: 'Not Found', message: `no reform with id ${request.params.id}` });
    return r;
  });

  app.get<{ Params: { id: string }; Querystring: { size: number } }>('/reforms/:id/similar', {
    schema: {
      summary: 'Reforms most like this one by what they do; copies of the same reform are marked sameReform',
      params: idParam,
      querystring: { type: 'object', properties: { size: size(10) }, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            hits: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' }, title: { type: 'string' }, regions: { type: 'array', items: { type: 'string' } },
                  source: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, no: { type: 'integer' } } },
                  score: { type: 'number' }, sameReform: { type: 'boolean' }, because: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
        400: errorSchema,
        404: errorSchema,
      },
    },
  }, async (request, reply) => {
    const hits = app.service.similar(request.params.id, request.query.size);
    if (!hits) return reply.status(404).send({ error: 'Not Found', message: `no reform with id ${request.params.id}` });
    return { hits };
  });
};
