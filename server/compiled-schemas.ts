/**
 * The route schemas a release compiled when it was made. Empty here: the repository's server compiles each route's
 * schemas on first use (server/compilers.ts). In a release's bundle, scripts/release.ts replaces this module with
 * the standalone code of every route's validator and serializer (scripts/compiled-schemas.ts).
 */
import type { CompiledSchemas } from './compilers.js';

export const compiledSchemas: CompiledSchemas = {};
