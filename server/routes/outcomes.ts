/**
 * /api/outcomes: outcome facts (metric, direction, from/to, percent) selected by their own metric or sentence, with
 * a citation; /api/outcomes/export: the same selection, every fact, as CSV or JSON (one row a fact).
 * The querystring is a TypeBox schema, so its TypeScript type is inferred rather than written twice.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from 'typebox';
import type { OutcomeHit } from '../../search/outcomes.js';
import { toCsv, type CsvValue } from '../csv.js';
import { outcomeHitSchema } from './outcome-schemas.js';
import { errorSchema, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, windowError } from './schemas.js';
import { OUTCOME_DIRECTIONS, OUTCOME_KINDS, OUTCOME_SORTS } from '../../search/request-rules.js';

const filters = {
  q: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH, description: 'words that must all occur in the fact’s metric or sentence, read as /api/search reads a query (缩短时间, 压缩了多少时间, 物流成本)' })),
  direction: Type.Optional(Type.Union(OUTCOME_DIRECTIONS.map((v) => Type.Literal(v)), { description: 'down (fell), up (rose), none (a level)' })),
  kind: Type.Optional(Type.Union(OUTCOME_KINDS.map((v) => Type.Literal(v)))),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'unit as printed (万元, %, 个工作日) or normalised (元, 天, 工作日)' })),
  minChange: Type.Optional(Type.Number({ minimum: 0, description: 'least size of the relative change in percent: direction=down&minChange=50 is “fell by half or more”' })),
  maxChange: Type.Optional(Type.Number({ minimum: 0, description: 'largest size of the relative change in percent' })),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'province (山东, 辽宁 …)' })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'document type: 试点经验, 创新成果, 最佳实践案例' })),
  sort: Type.Optional(Type.Union(OUTCOME_SORTS.map((v) => Type.Literal(v)), { description: 'change: largest relative change first; value: largest figure first; source: document order (default)' })),
};

const OutcomeQuery = Type.Object(
  { ...filters, page: Type.Integer({ minimum: 1, default: 1 }), size: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 }) },
  { additionalProperties: false },
);
type OutcomeQuery = Static<typeof OutcomeQuery>;

const ExportQuery = Type.Object({ ...filters, format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }) }, { additionalProperties: false });
type ExportQuery = Static<typeof ExportQuery>;

const amountText = (a?: { value: number; unit: string; max?: number; qualifier?: string }) =>
  a ? `${a.qualifier && a.qualifier !== '余' && a.qualifier !== '多' && a.qualifier !== '以上' && a.qualifier !== '以下' && a.qualifier !== '左右' ? a.qualifier : ''}${a.value}${a.max !== undefined ? `-${a.max}` : ''}${a.unit}${a.qualifier === '以上' || a.qualifier === '以下' || a.qualifier === '左右' ? a.qualifier : ''}` : '';
const plain = (html: string) => html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export const OUTCOME_CSV_HEADER = [
  'record_id', 'title', 'region', 'category', 'metric', 'direction', 'kind', 'from', 'to', 'via', 'value', 'unit', 'percent', 'printed_percent', 'percent_check',
  'qualifier', 'text', 'sentence', 'document', 'section', 'item_no', 'line', 'file',
] as const;

/** One CSV row per outcome fact. */
export function outcomeRow(h: OutcomeHit): CsvValue[] {
  return [
    h.reformId, h.title, h.regions.join('；'), h.category, h.metric, h.direction, h.kind, amountText(h.from), amountText(h.to), (h.via ?? []).map(amountText).join('；'),
    h.value, h.value !== undefined ? h.unit : undefined, h.percent, h.printedPercent, h.percentCheck, h.qualifier, h.text, plain(h.sentence),
    h.citation.document, h.citation.section, h.citation.no, h.citation.line, h.citation.file,
  ];
}

export const outcomeRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: OutcomeQuery }>('/outcomes', {
    schema: {
      summary: 'Outcome facts: what was measured, which way it moved (from → to, signed percent), with a citation',
      querystring: OutcomeQuery,
      response: {
        200: {
          type: 'object',
          properties: {
            total: { type: 'integer' },
            hits: { type: 'array', items: outcomeHitSchema },
            askedKind: { type: 'string', enum: [...OUTCOME_KINDS], description: 'the kind of figure the question in q asks (压缩了多少时间: time), which chose the facts when kind was not given' },
          },
        },
        400: errorSchema,
      },
    },
  }, async (request, reply) => {
    const { page, size, minChange, maxChange } = request.query;
    const tooDeep = windowError(page, size, '/api/outcomes/export');
    if (tooDeep) return reply.status(400).send({ error: 'Bad Request', message: tooDeep });
    if (minChange !== undefined && maxChange !== undefined && minChange > maxChange) {
      return reply.status(400).send({ error: 'Bad Request', message: `minChange: must not exceed maxChange (${minChange} > ${maxChange})` });
    }
    return app.service.outcomes(request.query);
  });

  app.get<{ Querystring: ExportQuery }>('/outcomes/export', {
    schema: {
      summary: 'Every selected outcome fact as a download, one row a fact: CSV (UTF-8 with BOM, formula-safe) or JSON',
      querystring: ExportQuery,
      produces: ['text/csv', 'application/json'],
      response: { 400: errorSchema },
    },
  }, async (request, reply) => {
    const { format, ...params } = request.query;
    const { hits } = app.service.outcomes({ ...params, page: 1, size: Number.MAX_SAFE_INTEGER });
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('Content-Disposition', `attachment; filename="ftz-outcomes-${stamp}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(OUTCOME_CSV_HEADER, hits.map(outcomeRow)));
    const facts = hits.map((h) => ({ ...h, sentence: plain(h.sentence), sentenceHtml: h.sentence }));
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ query: params, total: facts.length, facts }));
  });
};
