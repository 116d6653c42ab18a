/**
 * Counts the SQL round trips the platform makes (the ORM's queries through `onQuery` in server/database.ts,
 * the scoped reads of this folder one per round trip). Tests and benchmarks read it for the "constant number
 * of statements per page" guarantee.
 */
export const queryCounter = { count: 0 };
