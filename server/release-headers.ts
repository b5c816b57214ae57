/**
 * The security headers a release probed when it was made (server/security-headers.ts). Undefined here: the
 * repository's server probes them at start-up. In a release's bundle, scripts/release.ts replaces this module with
 * the table (`releaseHeadersModule`).
 */
import type { SecurityHeaders } from './security-headers.js';

export const releaseSecurityHeaders: SecurityHeaders | undefined = undefined;
