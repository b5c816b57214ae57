/**
 * JSON schemas shared by the routes: parameters (validated) and responses (documented in OpenAPI). Built with
 * TypeBox, so a route using the TypeBox type provider gets its types inferred from them; they are plain JSON
 * schemas too, usable in any route. Numeric parameters are also held to plain decimal digits (server/guard.ts).
 */
import { Type } from 'typebox';
import { FACETS } from '../../search/facets.js';
import { MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_WINDOW, windowMessage } from '../../search/request-rules.js';

// The limits are shared with the offline bundle's router (search/request-rules.ts).
export { MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_WINDOW };

/** The one error body every route and every failure answers with. */
export const errorSchema = Type.Object({ error: Type.String(), message: Type.String() });

/** An integer parameter within [minimum, maximum] (written in decimal digits: see server/guard.ts). */
export function intParam(options: { minimum: number; maximum: number; default?: number; description?: string }) {
  return Type.Integer(options);
}

export const q = { type: 'string', maxLength: MAX_QUERY_LENGTH, description: 'Query: words (records with every word first, then partial matches; matching=all requires every word), "phrase", -exclude, A OR B, title:/department:/region: prefixes' } as const;
export const page = intParam({ minimum: 1, maximum: MAX_WINDOW, default: 1, description: 'page number, from 1' });
export const size = (def: number) => intParam({ minimum: 1, maximum: MAX_PAGE_SIZE, default: def, description: `results per page (1–${MAX_PAGE_SIZE})` });

/** Facet filters: repeat a parameter for several values (any of them); different facets must all hold. */
export const filterProperties = Object.fromEntries(
  FACETS.map((f) => [f, { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50, description: `filter by ${f} (repeatable)` }]),
) as unknown as Record<(typeof FACETS)[number], { type: "array"; items: { type: "string" } }>;

export const hitSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    category: { type: 'string' },
    regions: { type: 'array', items: { type: 'string' } },
    departments: { type: 'array', items: { type: 'string' } },
    source: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, no: { type: 'integer' } } },
    score: { type: 'number' },
    missing: { type: 'array', items: { type: 'string' }, description: 'query words this hit lacks (a partial match)' },
    highlight: { type: 'object', properties: { title: { type: 'string' }, snippet: { type: 'string' } } },
    copies: {
      type: 'array',
      description: 'other printings of this reform (in other documents), folded into this hit: those the result set holds and, for a topic query, printings that lack a word of it (not for phrases, fields, numbers, asked-for figures or change verbs)',
      items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, source: { type: 'object', properties: { file: { type: 'string' }, title: { type: 'string' }, no: { type: 'integer' } } } } },
    },
    copyCount: { type: 'integer', description: 'how many other printings of this reform the hit folds (as for copies; copies lists at most the first 10, best first)' },
  },
} as const;

const facetList = { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' }, label: { type: 'string' } } } } as const;
export const facetsSchema = { type: 'object', properties: Object.fromEntries(FACETS.map((f) => [f, facetList])) } as const;

/** 400 when page × size reaches past MAX_WINDOW, naming the route that exports what this route pages through. */
export function windowError(p: number, s: number, exportRoute = '/api/export'): string | undefined {
  return windowMessage(p, s, `use ${exportRoute} for the whole result set`);
}
