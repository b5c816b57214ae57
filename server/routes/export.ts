/**
 * The whole current result set as a download: CSV (UTF-8 with BOM, formula-safe, for spreadsheet programs), JSON or
 * NDJSON. Every figure of a record is kept (no fixed number of columns): the CSV lists them in one cell, and the
 * outcome facts in another; one row per fact is /api/outcomes/export.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Outcome, OutcomeAmount, Quantity, ReformRecord } from '../../indexer/schema.js';
import { toCsv, type CsvValue } from '../csv.js';
import { errorSchema } from './schemas.js';
import { filtersOf, searchQuerystring, type SearchQuery } from './search.js';

/** A figure as a reader would cite it: 约5000万元, 80%以上, 1-2个工作日. */
export function quantityText(q: Pick<Quantity, 'value' | 'max' | 'unit' | 'qualifier'>): string {
  const after = q.qualifier === '以上' || q.qualifier === '以下' || q.qualifier === '左右';
  const before = q.qualifier && !after && q.qualifier !== '余' && q.qualifier !== '多' ? q.qualifier : '';
  return `${before}${q.value}${q.max !== undefined ? `-${q.max}` : ''}${q.qualifier === '余' || q.qualifier === '多' ? q.qualifier : ''}${q.unit}${after ? q.qualifier : ''}`;
}

/** One outcome in a cell: 出口到退税时间 down 75天→25天 (-66.7%). */
export function outcomeText(o: Outcome): string {
  const amount = (a: OutcomeAmount) => quantityText(a);
  const figure = o.from || o.to ? `${o.from ? amount(o.from) : ''}→${(o.via ?? []).map((v) => amount(v) + '→').join('')}${o.to ? amount(o.to) : ''}` : quantityText({ value: o.value ?? 0, max: o.max, unit: o.unit ?? '', qualifier: o.qualifier });
  return `${o.metric || '—'} ${o.direction} ${figure}${o.percent !== undefined ? ` (${o.percent > 0 ? '+' : ''}${o.percent}%)` : ''}`;
}

export const RECORD_CSV_HEADER = [
  'id', 'title', 'category', 'section', 'policy_areas', 'regions', 'departments', 'printed_departments', 'scope', 'scope_levels',
  'source_file', 'source_title', 'source_no', 'source_line', 'score', 'content', 'applicable_to', 'process', 'outcome',
  'quantity_count', 'quantities', 'outcome_count', 'outcomes',
] as const;

export function recordRow(r: ReformRecord, score: number): CsvValue[] {
  return [
    r.id, r.title, r.category, r.section, r.policyAreas.join('；'), r.regions.join('；'), r.departments.join('；'), r.printedDepartments.join('；'), r.scope, r.scopeLevels.join('；'),
    r.source.file, r.source.title, r.source.no, r.source.line, score, r.content, r.applicableTo, r.process, r.outcome,
    r.quantities.length, r.quantities.map(quantityText).join('；'), r.outcomes.length, r.outcomes.map(outcomeText).join('；'),
  ];
}

export const exportRoutes: FastifyPluginAsync = async (app) => {
  // An export lists every record of the result set, copies included: no paging, no collapsing.
  const { page: _p, size: _s, facetSize: _f, collapse: _c, ...props } = searchQuerystring.properties;
  app.get<{ Querystring: SearchQuery & { format: 'csv' | 'json' | 'ndjson' } }>('/export', {
    schema: {
      summary: 'The whole result set of a search as a download (every figure of each record kept)',
      querystring: { type: 'object', properties: { ...props, format: { type: 'string', enum: ['csv', 'json', 'ndjson'], default: 'csv' } }, additionalProperties: false },
      produces: ['text/csv', 'application/json', 'application/x-ndjson'],
      response: { 400: errorSchema },
    },
  }, async (request, reply) => {
    const { q, sort, matching, format } = request.query;
    const rows = app.service.exportRecords({ q, sort, matching, filters: filtersOf(request.query) });
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('Content-Disposition', `attachment; filename="ftz-reforms-${stamp}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(RECORD_CSV_HEADER, rows.map((r) => recordRow(r.record, r.score))));
    if (format === 'ndjson') return reply.type('application/x-ndjson; charset=utf-8').send(rows.map((r) => JSON.stringify({ ...r.record, score: r.score })).join('\n') + '\n');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ query: q ?? '', total: rows.length, records: rows.map((r) => ({ ...r.record, score: r.score })) }));
  });
};
