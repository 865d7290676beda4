export * from './encoding';
export * from './count';
export * from './cost';
export * from './lines';
export { countTokensInWorkers, resolveWorkerScript } from './workers';
export type { TokenCountOptions, TokenCountResult } from './workers';
