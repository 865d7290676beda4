/**
 * The public barrel of the dataset engine (pure TypeScript, no `vscode`): what the CLI, the editor and the local API
 * use.
 */
export * from './types';
export { parseLine, classify, type ParsedLine } from './parse';
export { checkLine, checkGrader, RULES, ruleByCode, ruleById, type RuleInfo, type RuleScope, type LineContext } from './rules';
export {
  MODELS,
  DEFAULT_MODEL,
  PRICE_DATE,
  FALLBACK_LIMIT,
  FALLBACK_ENCODING,
  parseModelId,
  resolveModel,
  modelById,
  modelIds,
  type ModelInfo,
  type ResolvedModel,
  type EncodingName,
  type TrainingPrice,
} from './models';
export {
  DatasetIndex,
  analyzeLine,
  inferMethod,
  shapeMethod,
  formatFamilies,
  fileLevelProblems,
  compareProblems,
  splitLines,
  FILES_API_LIMIT,
  UPLOADS_API_LIMIT,
  type DatasetIndexOptions,
  type DatasetStats,
  type LineResult,
  type ShapeCounts,
  type Disposable,
} from './dataset';
export {
  validateText,
  validateFile,
  type ValidateOptions,
  type ValidateFileOptions,
  type ValidationReport,
  type TokenSummary,
  type ProfileSummary,
} from './validate';
export { resolveProfile, providerId, PROVIDER_IDS, type Profile, type ProviderId } from './profiles';
export {
  countTokensInWorkers,
  exampleTokens,
  lineTokens,
  messagesTokens,
  toolsTokens,
  tokenUpperBound,
  estimateTokens,
  defaultEpochs,
  billedTokensPerEpoch,
  estimateCost,
  getEncoder,
  isEncodingLoaded,
  type CostEstimate,
  type TokenCountOptions,
  type TokenCountResult,
  type Encoder,
} from './tokens';
