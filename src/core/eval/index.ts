/** Evaluation engine (issue 11): pure scoring, example extraction, results records, Batch API lines, word diff. */
export * from './score';
export * from './examples';
export * from './results';
export * from './batch';
export * from './prices';
export * from './diff';
