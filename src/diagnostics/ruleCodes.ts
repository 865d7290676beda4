/**
 * The rule codes the editor layer acts on (quick fixes, related information), looked up once in the engine's rule
 * catalogue by reference id, so that diagnostics and fixes share one set of constants and no code string is typed
 * twice. A missing id fails at load time, loudly, instead of a fix silently never matching.
 */
import { ruleById } from '../core';

function code(id: string): string {
  const rule = ruleById(id);
  if (!rule) throw new Error(`Tuneline: rule ${id} is missing from the catalogue`);
  return rule.code;
}

export const RuleCodes = {
  /** FILE-08: a line of another format than the file's (e.g. prompt/completion in a chat file). */
  wrongFormat: code('FILE-08'),
  /** SFT-02: an extra top-level key. */
  unknownTopLevelKey: code('SFT-02'),
  /** SFT-03: a role that is not one of the allowed ones (often a typo). */
  invalidRole: code('SFT-03'),
  /** RFT-02: the reinforcement variant of an invalid role. */
  rftInvalidRole: code('RFT-02'),
  /** SFT-06: a message key its role does not define. */
  unknownMessageKey: code('SFT-06'),
  /** SFT-11: `weight` other than 0 or 1. */
  weightNotBinary: code('SFT-11'),
  /** SFT-12: `weight` on a non-assistant message. */
  weightNotOnAssistant: code('SFT-12'),
  /** DPO-04: `weight` in a preference example. */
  weightInPreference: code('DPO-04'),
  /** TL-02: a blank line between examples. */
  blankLine: code('TL-02'),
  /** TL-03: an exact duplicate of an earlier example. */
  duplicateExample: code('TL-03'),
  /** TL-08: the system prompt is inconsistent across the file (a variant, or missing where the others have one). */
  inconsistentSystemPrompt: code('TL-08'),
  /** TL-10: tool-call arguments JSON-encoded twice (`data.fix`: encoded once). */
  argumentsDoubleEncoded: code('TL-10'),
  /** TL-20: a format the profile does not accept (`data.found: 'completion'`: convertible to chat). */
  formatNotAccepted: code('TL-20'),
} as const;

/** Codes whose problem is "this key should not be here" and whose fix removes the key (`data.key` names it). */
export const REMOVABLE_KEY_CODES: ReadonlySet<string> = new Set([
  RuleCodes.unknownTopLevelKey,
  RuleCodes.unknownMessageKey,
  RuleCodes.weightNotOnAssistant,
  RuleCodes.weightInPreference,
]);

/** Codes for a role value that is not allowed (`data.suggestion` may name the nearest valid role). */
export const ROLE_CODES: ReadonlySet<string> = new Set([RuleCodes.invalidRole, RuleCodes.rftInvalidRole]);
