/**
 * Compressed search answers: /api/search keeps each answer's br and gzip bytes and appends each request's own
 * took_ms (server/answer-bytes.ts). Every encoded answer must decode to exactly the identity answer, and the
 * route must choose the coding @fastify/compress chooses for every other route.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { AnswerBytes } from '../server/answer-bytes.js';
import { seedService } from './helpers.js';

let app: FastifyInstance;
let uncached: FastifyInstance;
beforeAll(async () => {
  const service = await seedService();
  app = await buildApp({ service });
  uncached = await buildApp({ service, limits: { answerCacheBytes: 0 } });
});
afterAll(async () => {
  await app?.close();
  await uncached?.close();
});

const decode = (encoding: string | undefined, bytes: Buffer): string =>
  (encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : encoding === 'deflate' ? inflateSync(bytes) : bytes).toString('utf8');

const QUERIES = ['退税', '海关 监管', '"一网通办"', '融资 -银行', '如何缩短工程建设项目审批时间', ''];

describe('compressed /api/search answers', () => {
  it('decode to the identity answer of the same search, first asked and repeated, each request with its own took_ms', async () => {
    for (const server of [app, uncached]) {
      for (const q of QUERIES) {
        const url = `/api/search?q=${encodeURIComponent(q)}&size=10`;
        const plain = (await server.inject({ url })).json();
        // br first, then gzip of the answer the br request kept, then br again from the cache.
        for (const asked of ['br', 'gzip', 'gzip, deflate, br', 'gzip', 'deflate']) {
          const res = await server.inject({ url, headers: { 'accept-encoding': asked } });
          expect(res.statusCode).toBe(200);
          const encoding = res.headers['content-encoding'] as string;
          expect(encoding, asked).toBe(asked === 'gzip' || asked === 'deflate' ? asked : 'br');
          expect(res.headers.vary).toBe('accept-encoding');
          expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
          expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
          const text = decode(encoding, res.rawPayload);
          const body = JSON.parse(text);
          expect(Object.keys(body).at(-1)).toBe('took_ms');
          expect(body.took_ms).toBeGreaterThanOrEqual(0);
          expect({ ...body, took_ms: 0 }, `${q} as ${asked}`).toEqual({ ...plain, took_ms: 0 });
        }
      }
    }
  });

  it('are smaller than a third of the identity answer for a page of ten hits', async () => {
    const url = `/api/search?q=${encodeURIComponent('知识产权')}`;
    const plain = await app.inject({ url });
    for (const asked of ['br', 'gzip', 'deflate']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': asked } });
      expect(res.rawPayload.length * 3, asked).toBeLessThan(plain.rawPayload.length);
    }
  });

  it('leave a small answer and an error uncompressed, as the plugin leaves any answer under 1 KB', async () => {
    const small = await app.inject({ url: `/api/search?q=${encodeURIComponent('审批')}&region=${encodeURIComponent('广东')}`, headers: { 'accept-encoding': 'br' } });
    expect(small.statusCode).toBe(200);
    expect(small.rawPayload.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json().total).toBe(0);
    const bad = await app.inject({ url: '/api/search?q=x&page=0', headers: { 'accept-encoding': 'br' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^page/);
  });

  it('go out uncompressed when the client sends x-no-compression, as the plugin does for every other route', async () => {
    const url = `/api/search?q=${encodeURIComponent('知识产权')}`;
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br', 'x-no-compression': '1' } });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.json().hits[0].highlight.title + res.json().hits[0].highlight.snippet).toContain('<mark>知识产权</mark>');
    }
  });

  it('are the same for a URL asked before and the same query written with its parameters in another order', async () => {
    const a = `/api/search?q=${encodeURIComponent('海关')}&size=3&region=${encodeURIComponent('辽宁')}`;
    const b = `/api/search?region=${encodeURIComponent('辽宁')}&size=3&q=${encodeURIComponent('海关')}`;
    const first = (await app.inject({ url: a })).json();
    for (const url of [a, b, a, b]) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect({ ...JSON.parse(decode(res.headers['content-encoding'] as string | undefined, res.rawPayload)), took_ms: 0 }, url).toEqual({ ...first, took_ms: 0 });
    }
    expect(first.hits.every((h: { regions: string[] }) => h.regions.includes('辽宁'))).toBe(true);
  });

  it('use the coding @fastify/compress picks for /api/stats, for any Accept-Encoding header', async () => {
    const token = fc.constantFrom('br', 'gzip', 'deflate', 'identity', '*', 'x-gzip', 'zstd', 'BR', 'compress');
    const q = fc.option(fc.constantFrom('0', '1', '0.5', '0.9', '0.001', '1.0'), { nil: undefined });
    const header = fc.array(fc.tuple(token, q), { minLength: 1, maxLength: 5 }).map((parts) => parts.map(([t, w]) => (w === undefined ? t : `${t};q=${w}`)).join(', '));
    const search = `/api/search?q=${encodeURIComponent('通关')}`;
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const stats = await app.inject({ url: '/api/stats', headers: { 'accept-encoding': h } });
        const ours = await app.inject({ url: search, headers: { 'accept-encoding': h } });
        expect(ours.headers['content-encoding'], h).toBe(stats.headers['content-encoding']);
      }),
      { numRuns: 150 },
    );
  });
});

describe('AnswerBytes', () => {
  it('closes any JSON head with any took_ms in every encoding so that it decodes to head + took + }', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.double({ min: 0, max: 1e6, noNaN: true }), (text, took) => {
        const json = JSON.stringify({ text, took_ms: -1.5 });
        const answer = AnswerBytes.fromJson(json, -1.5);
        const whole = json.replace('-1.5}', `${took}}`);
        for (const encoding of ['identity', 'gzip', 'deflate', 'br'] as const) expect(decode(encoding, answer.send(encoding, took)), encoding).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the Adler-32 check of a long deflate answer right across zlib\'s 5552-byte summing limit', () => {
    // inflateSync verifies the checksum: a wrong sum over a head of many blocks of high bytes is an error.
    const json = JSON.stringify({ text: '自由贸易试验区'.repeat(4000), took_ms: -1.5 });
    const answer = AnswerBytes.fromJson(json, -1.5);
    expect(decode('deflate', answer.send('deflate', 12.345))).toBe(json.replace('-1.5}', '12.345}'));
  });

  it('refuses JSON whose last property is not took_ms', () => {
    expect(() => AnswerBytes.fromJson('{"took_ms":-1.5,"total":3}', -1.5)).toThrow(/took_ms/);
  });
});
