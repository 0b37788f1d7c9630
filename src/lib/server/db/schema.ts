/**
 * Every table, in one import for the app and drizzle-kit. The tables live in schema-core.ts (the
 * roster, accounts, meetings and polls) and in one file per later area, which reference core
 * tables but not this file, so the schema has no import cycle.
 */
export * from './schema-core';
export * from './schema-rules';
export * from './schema-followup';
export * from './schema-audit';
export * from './schema-points';
export * from './schema-ballots';
export * from './schema-notices';
