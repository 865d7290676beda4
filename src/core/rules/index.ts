/** The dataset engine's rules: per-line checks, grader checks and the rule catalogue. */
export { checkLine, duplicateKey, type LineContext } from './check';
export { checkGrader, graderItemPaths, GRADER_MODELS } from './grader';
export { RULES, ruleByCode, ruleById, type RuleInfo, type RuleScope } from './catalog';
