/**
 * npm run serve -- [--snapshot FILE] [options]   (npm start builds the page first; see --help)
 * Serves a snapshot, or builds one from seeds/ at start-up. For production, run the release's `node server.mjs`
 * (npm run release) or this file under systemd directly, with no npm process in between.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverCommand } from './cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

await serverCommand(
  process.argv.slice(2),
  { usage: 'npm run serve --', seeds: join(root, 'seeds'), dict: join(root, 'dict'), webRoot: join(root, 'dist', 'web'), version },
  async (seedsDir, dictDir) => {
    // Only a build needs the indexer (and jieba); serving a snapshot never loads them.
    const { buildSnapshot } = await import('../indexer/build.js');
    return { body: (await buildSnapshot({ seedsDir, dictDir })).body, origin: `built from ${seedsDir}` };
  },
);
