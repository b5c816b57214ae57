/**
 * Setup file of the "shared" project (vitest.config.ts): its test files run one after another in a process they
 * share, and this runs before each. It drops every module the previous file evaluated except vitest's own, so the
 * next file imports the project's code anew: module-level state (caches, the memoised seed service of helpers.ts)
 * starts empty as in a process of its own. Packages are Node's own imports and stay loaded (the time saved), and so
 * does this module's reset itself: it is dropped too, so it is evaluated, and resets, again before the next file.
 */
import { vi } from 'vitest';

vi.resetModules();
