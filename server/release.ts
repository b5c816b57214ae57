/**
 * The entry point of a release (npm run release): bundled with its dependencies into DIR/server.cjs and started by
 * DIR/server.mjs (scripts/release.ts writes both), it needs Node alone. It serves DIR/index.snapshot and the page
 * in DIR/web by default, and never builds an index.
 */
import { join } from 'node:path';
import { serverCommand } from './cli.js';
import { compiledSchemas } from './compiled-schemas.js';
import { releaseSecurityHeaders } from './release-headers.js';

/** Replaced by the release script with the product version. */
declare const FTZ_RELEASE_VERSION: string;

/** Runs the server command for the release folder `here` with the process's arguments. */
export function startRelease(here: string): Promise<unknown> {
  return serverCommand(process.argv.slice(2), {
    usage: 'node server.mjs',
    snapshot: join(here, 'index.snapshot'),
    webRoot: join(here, 'web'),
    version: typeof FTZ_RELEASE_VERSION === 'string' ? FTZ_RELEASE_VERSION : 'dev',
    compiledSchemas,
    securityHeaders: releaseSecurityHeaders,
  });
}
