/** Shared with the checks, whose messages people read too; kept here for the report modules' imports. */
export * from '../format.js';
