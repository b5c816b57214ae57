/**
 * The security headers every answer carries (@fastify/helmet under HELMET_OPTIONS). They never change while a server
 * runs, so they are read once: from a probe instance with the plugin at start-up (`probeSecurityHeaders`), or, in a
 * release, from the table `npm run release` wrote with that same probe (server/release-headers.ts), so a released
 * server neither starts a second Fastify instance nor loads helmet at all.
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

/** Header name (lower case) → value, as set on every answer. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * The page is a built bundle: scripts and styles from our own origin only, never inline script; nothing may frame
 * it. No upgrade-insecure-requests and no HSTS: intranets often serve plain HTTP, TLS is the proxy's call.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginEmbedderPolicy: false,
};

/**
 * Helmet headers that only act on a document a browser renders: its process isolation (Origin-Agent-Cluster,
 * Cross-Origin-Opener-Policy), DNS prefetching of its links, and switches for Internet Explorer downloads, Adobe
 * clients and the retired XSS auditor. JSON answers keep what applies to them (the OWASP REST security set): CSP,
 * frame options, nosniff, referrer and resource policy. Six headers fewer (~190 bytes) on every API answer, which the
 * server sets and validates and every client parses.
 */
export const API_HEADERS_LEFT_OUT: ReadonlySet<string> = new Set(['origin-agent-cluster', 'cross-origin-opener-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']);

/** Headers every answer carries regardless of route (not security policy). */
const ORDINARY_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

/**
 * The headers @fastify/helmet sets under HELMET_OPTIONS, read from a probe instance. The plugin rebuilds helmet's
 * middleware (parsing the CSP directives) on every request, which cost ~60 µs of CPU per request here, more than
 * answering a repeated search; the headers themselves never change, so they are computed once. Helmet is loaded
 * only here: a release that has the table never loads it.
 */
export async function probeSecurityHeaders(): Promise<SecurityHeaders> {
  const { default: fastifyHelmet } = await import('@fastify/helmet');
  const probe = Fastify();
  await probe.register(fastifyHelmet, HELMET_OPTIONS);
  probe.get('/', async () => '');
  const res = await probe.inject('/');
  await probe.close();
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (!ORDINARY_HEADERS.has(name) && value !== undefined) out[name] = String(value);
  return out;
}
