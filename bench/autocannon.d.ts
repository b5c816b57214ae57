// autocannon ships no types; the soak reads a few fields of its result.
declare module 'autocannon';
