/// <reference types="vite/client" />
/**
 * Which build this is: the served page (the HTTP API, path routes) or the static offline bundle
 * (`npm run export:offline`: the API answered in the page, hash routes such as #/reforms/:id because a plain static
 * server has no fallback for /reforms/:id). Vite replaces MODE at build time, so the other branch is dropped.
 */
export const OFFLINE: boolean = import.meta.env.MODE === 'offline';
