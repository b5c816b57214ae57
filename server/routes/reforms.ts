import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from 'typebox';
import { SIMILAR_REASONS, SIMILAR_SCOPES, type SharedMechanism, type SimilarScope } from '../../search/similar.js';
import { recordExtraProperties } from './outcome-schemas.js';
import { errorSchema } from './schemas.js';
import { SIMILAR_MAX } from '../../search/request-rules.js';

const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'] } as const;

const quantitySchema = {
  type: 'object',
  properties: {
    value: { type: 'number' }, max: { type: 'number' }, unit: { type: 'string' }, text: { type: 'string' }, field: { type: 'string' },
    start: { type: 'integer' }, end: { type: 'integer' }, change: { type: 'string' }, qualifier: { type: 'string' },
    normalized: { type: 'object', properties: { value: { type: 'number' }, unit: { type: 'string' }, max: { type: 'number' } } },
  },
} as const;

/** A similar hit's shared mechanism: the class and the name each reform prints (search/similar.ts SharedMechanism). */
const mechanismSchema = Type.Object({ name: Type.String(), terms: Type.Array(Type.String()) });
// The schema's type and the service's are one shape: this line stops compiling if either drifts.
true satisfies ([Static<typeof mechanismSchema>, SharedMechanism] extends [SharedMechanism, Static<typeof mechanismSchema>] ? true : never);

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

  const refSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' }, title: { type: 'string' }, regions: { type: 'array', items: { type: 'string' } },
      source: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, no: { type: 'integer' } } },
    },
  } as const;
  app.get<{ Params: { id: string }; Querystring: { size: number; scope: SimilarScope } }>('/reforms/:id/similar', {
    schema: {
      summary: 'Reforms most like this one by their idea: one entry per reform (copies listed under it), never the reform itself or its copies',
      params: idParam,
      querystring: {
        type: 'object',
        properties: {
          size: { type: 'integer', minimum: 1, maximum: SIMILAR_MAX, default: 10, description: `entries (at most ${SIMILAR_MAX}: lists are precomputed)` },
          scope: { type: 'string', enum: [...SIMILAR_SCOPES], default: 'all', description: 'other-regions: only reforms from a province other than the source\'s; all: anywhere' },
        },
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: {
            scope: { type: 'string' },
            hits: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  ...refSchema.properties,
                  score: { type: 'number' },
                  because: { type: 'array', items: { type: 'string' } },
                  reason: { type: 'string', enum: [...SIMILAR_REASONS] },
                  mechanism: mechanismSchema,
                  copies: { type: 'array', items: refSchema },
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
    const { size, scope } = request.query;
    const hits = app.service.similar(request.params.id, size, scope);
    if (!hits) return reply.status(404).send({ error: 'Not Found', message: `no reform with id ${request.params.id}` });
    return { scope, hits };
  });
};
