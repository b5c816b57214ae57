import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../server/cli.js';

const defaults = { usage: 'npm start --', snapshot: 'index.snapshot', webRoot: 'web/dist', version: '0' };
const hostOf = (argv: string[], env: NodeJS.ProcessEnv) => {
  const parsed = parseServerArgs(argv, defaults, env);
  if (parsed.help) throw new Error('asked for help');
  return parsed.options.host;
};

describe('server command line: the host to listen on', () => {
  it('an empty $HOST (HOST=) falls back to 127.0.0.1, as an empty $PORT falls back to 3000', () => {
    expect(hostOf([], { HOST: '' })).toBe('127.0.0.1');
    expect(hostOf([], {})).toBe('127.0.0.1');
  });

  it('a set $HOST is used, and --host wins over it', () => {
    expect(hostOf([], { HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(hostOf(['--host', '::1'], { HOST: '0.0.0.0' })).toBe('::1');
  });
});
