/** The whole current result set as a download: CSV (UTF-8 with BOM, for spreadsheet programs), JSON or NDJSON. */
import type { FastifyPluginAsync } from 'fastify';
import type { ReformRecord } from '../../indexer/schema.js';
import { errorSchema } from './schemas.js';
import { filtersOf, searchQuerystring, type SearchQuery } from './search.js';

/** Quantity columns per row at most (q1_text, q1_qualifier, q1_value, q1_max, q1_unit, q1_normalized_value, q1_normalized_unit, …). */
export const MAX_QUANTITY_COLUMNS = 20;

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  // Cells that a spreadsheet would run as a formula are prefixed with a quote.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: { record: ReformRecord; score: number }[]): string {
  const nq = Math.min(MAX_QUANTITY_COLUMNS, Math.max(0, ...rows.map((r) => r.record.quantities.length)));
  const header = ['id', 'title', 'category', 'regions', 'departments', 'scope', 'source_file', 'source_title', 'source_no', 'score', 'content', 'applicable_to', 'process', 'outcome', 'quantity_count'];
  for (let i = 1; i <= nq; i++) header.push(`q${i}_text`, `q${i}_qualifier`, `q${i}_value`, `q${i}_max`, `q${i}_unit`, `q${i}_normalized_value`, `q${i}_normalized_unit`);
  const lines = [header.join(',')];
  for (const { record: r, score } of rows) {
    const cells: unknown[] = [r.id, r.title, r.category, r.regions.join('；'), r.departments.join('；'), r.scope, r.source.file, r.source.title, r.source.no, score, r.content, r.applicableTo, r.process, r.outcome, r.quantities.length];
    for (let i = 0; i < nq; i++) {
      const q = r.quantities[i];
      cells.push(q?.text, q?.qualifier, q?.value, q?.max, q?.unit, q?.normalized?.value, q?.normalized?.unit);
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export const exportRoutes: FastifyPluginAsync = async (app) => {
  // An export lists every record of the result set, copies included: no paging, no collapsing.
  const { page: _p, size: _s, collapse: _c, ...props } = searchQuerystring.properties;
  app.get<{ Querystring: SearchQuery & { format: 'csv' | 'json' | 'ndjson' } }>('/export', {
    schema: {
      summary: 'The whole result set of a search as a download',
      querystring: { type: 'object', properties: { ...props, format: { type: 'string', enum: ['csv', 'json', 'ndjson'], default: 'csv' } }, additionalProperties: false },
      produces: ['text/csv', 'application/json', 'application/x-ndjson'],
      response: { 400: errorSchema },
    },
  }, async (request, reply) => {
    const { q, sort, format } = request.query;
    const rows = app.service.exportRecords({ q, sort, filters: filtersOf(request.query) });
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('Content-Disposition', `attachment; filename="ftz-reforms-${stamp}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(rows));
    if (format === 'ndjson') return reply.type('application/x-ndjson; charset=utf-8').send(rows.map((r) => JSON.stringify({ ...r.record, score: r.score })).join('\n') + '\n');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ query: q ?? '', total: rows.length, records: rows.map((r) => ({ ...r.record, score: r.score })) }));
  });
};
