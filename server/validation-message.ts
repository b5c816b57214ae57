/**
 * The 400 message of a request that failed its schema: the parameter named as the user typed it (region, not
 * region/0), and what is allowed (the values of an enum or of a union of constants; not empty; given once), never
 * Ajv's bare "must be equal to constant". The words are search/request-rules.ts', which the offline router says too.
 */
import { givenTimesMessage, notEmptyMessage, oneOfMessage, unknownParamMessage } from '../search/request-rules.js';

/** The part of an Ajv error this reads. */
export interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}


/**
 * @param issues The failed validation's errors (Fastify's `error.validation`), first the one that decides.
 * @param context Which part of the request failed (querystring, params, body), named when no parameter is.
 * @param values That part as received (the raw query values: a repeated parameter is an array there).
 * @param known The parameters that part takes (its schema's properties), listed when an unknown one was given.
 */
export function validationMessage(issues: readonly ValidationIssue[], context: string | undefined, values: unknown, known: readonly string[] = []): string {
  const v = issues[0] ?? {};
  const params = (v.params ?? {}) as { missingProperty?: string; additionalProperty?: string; limit?: number };
  const path = (v.instancePath ?? '').replace(/^\//, '');
  // An item of a repeatable parameter (region/0) is the parameter's.
  const param = path.split('/')[0] || params.missingProperty || params.additionalProperty || context || 'request';
  const value = values && typeof values === 'object' ? (values as Record<string, unknown>)[param] : undefined;
  // A parameter that takes one value, given twice (size=10&size=20): Ajv says "must be integer". A repeatable one
  // given too often (51 region=) is a maxItems error, not this.
  if (path === param && v.keyword !== 'maxItems' && Array.isArray(value) && value.length > 1) return givenTimesMessage(param, value.length);
  // The allowed values: an enum's, or those of a union of constants (one const error per branch, same path).
  const same = issues.filter((x) => x.instancePath === v.instancePath);
  const allowed = [
    ...same.filter((x) => x.keyword === 'enum').flatMap((x) => (x.params?.allowedValues as unknown[]) ?? []),
    ...same.filter((x) => x.keyword === 'const').map((x) => x.params?.allowedValue),
  ];
  if (allowed.length) {
    const got = Array.isArray(value) ? value[Number(path.split('/')[1] ?? 0)] : value;
    return oneOfMessage(param, allowed, got);
  }
  if (v.keyword === 'minLength' && params.limit === 1) return notEmptyMessage(param);
  if (v.keyword === 'additionalProperties' && known.length) return unknownParamMessage(param, known);
  return `${param}: ${v.message ?? 'is not valid'}`;
}
