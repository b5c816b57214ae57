/** JSON schemas of outcome facts and of the record fields the outcomes work added (documented in OpenAPI). */
import { OUTCOME_DIRECTIONS, OUTCOME_KINDS } from '../../search/request-rules.js';

const normalized = { type: 'object', properties: { value: { type: 'number' }, unit: { type: 'string' }, max: { type: 'number' } } } as const;

export const amountSchema = {
  type: 'object',
  properties: { value: { type: 'number' }, unit: { type: 'string' }, max: { type: 'number' }, qualifier: { type: 'string' }, normalized },
  required: ['value', 'unit'],
} as const;

const factProperties = {
  metric: { type: 'string', description: 'the measured thing as printed (办理时限, 综合物流成本); empty when the text names none' },
  direction: { type: 'string', enum: OUTCOME_DIRECTIONS },
  kind: { type: 'string', enum: OUTCOME_KINDS },
  value: { type: 'number' }, max: { type: 'number' }, unit: { type: 'string' }, normalized,
  from: amountSchema, to: amountSchema, via: { type: 'array', items: amountSchema },
  percent: { type: 'number', description: 'signed relative change in percent (由30天压缩至6天 → -80)' },
  printedPercent: { type: 'number', description: 'a percentage printed for the same change' },
  percentCheck: { type: 'string', enum: ['agrees', 'differs'] },
  qualifier: { type: 'string' },
  text: { type: 'string' }, field: { type: 'string' },
} as const;

/** An outcome inside a record (/api/reforms/:id). */
export const outcomeSchema = {
  type: 'object',
  properties: { ...factProperties, start: { type: 'integer' }, end: { type: 'integer' }, sentence: { type: 'string' }, sentenceStart: { type: 'integer' } },
} as const;

/** Record fields added with outcomes: document type, section, policy areas, scope levels, printed departments. */
export const recordExtraProperties = {
  section: { type: 'string' },
  policyAreas: { type: 'array', items: { type: 'string' } },
  scopeLevels: { type: 'array', items: { type: 'string' } },
  printedDepartments: { type: 'array', items: { type: 'string' } },
  outcomes: { type: 'array', items: outcomeSchema },
} as const;

/** One hit of /api/outcomes. */
export const outcomeHitSchema = {
  type: 'object',
  properties: {
    reformId: { type: 'string' }, title: { type: 'string' }, region: { type: 'string' }, regions: { type: 'array', items: { type: 'string' } }, category: { type: 'string' },
    ...factProperties,
    sentence: { type: 'string', description: 'the sentence, HTML-escaped, with the figure in <mark>' },
    citation: {
      type: 'object',
      properties: { document: { type: 'string' }, section: { type: 'string' }, no: { type: 'integer' }, line: { type: 'integer' }, file: { type: 'string' } },
    },
  },
} as const;
