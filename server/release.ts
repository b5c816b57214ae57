/**
 * The entry point of a release (npm run release): bundled with its dependencies into DIR/server.mjs, it needs
 * Node alone. It serves DIR/index.snapshot and the page in DIR/web by default, and never builds an index.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverCommand } from './cli.js';

/** Replaced by the release script with the product version. */
declare const FTZ_RELEASE_VERSION: string;

const here = dirname(fileURLToPath(import.meta.url));
await serverCommand(process.argv.slice(2), {
  usage: 'node server.mjs',
  snapshot: join(here, 'index.snapshot'),
  webRoot: join(here, 'web'),
  version: typeof FTZ_RELEASE_VERSION === 'string' ? FTZ_RELEASE_VERSION : 'dev',
});
