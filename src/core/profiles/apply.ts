/**
 * The seam between a profile and the engine: the engine checks every line with OpenAI's rules (`checkLine`), then
 * `applyLineProfile` adjusts that line's problems to the profile (severity changes, rules that do not apply, the
 * profile's own limits and rules); `applyFileProfile` does the same for the file-level problems. For the OpenAI
 * profile both return their input unchanged (the same array), so default results are exactly today's.
 *
 * Every added computation is linear in the line's length: one pass over the top-level keys and, for lines with
 * images, one pass over the message parts.
 */
import { resolveModel, type ResolvedModel, type TrainingPrice } from '../models';
import { ruleByCode } from '../rules/catalog';
import type { Method, Problem, Severity } from '../types';
import { resolveProfile } from './catalog';
import type { Profile } from './types';

export interface ProfileContext {
  readonly profile: Profile;
  /** The model as the engine's token rules see it (TOK-01 limit, encoding, price). */
  readonly model: ResolvedModel;
}

/**
 * The profile of (provider, model) and the model the engine counts tokens for. OpenAI and Azure: the OpenAI catalogue
 * entry, as today. Open models: the fallback encoding (an estimate, see `Profile.tokenizer`) with the model's context
 * length as the per-example limit.
 */
export function profileContext(provider?: string, model?: string): ProfileContext {
  const profile = resolveProfile(provider, model);
  if (profile.provider === 'openai') return { profile, model: resolveModel(model) };
  // Every other service: the cost comes from the profile's price (or none: "no published price"), never OpenAI's.
  const trainingPrice: TrainingPrice | undefined = profile.price
    ? { usd: profile.price.usd, unit: profile.price.unit === 'per-hour' ? 'per-hour' : 'per-1M-tokens', date: profile.price.date }
    : undefined;
  if (profile.provider === 'azure') {
    const m = resolveModel(model);
    return { profile, model: { ...m, info: { ...m.info, trainingPrice } } };
  }
  const base = resolveModel(profile.model);
  return {
    profile,
    model: { ...base, info: { ...base.info, trainingPrice }, id: profile.model, known: profile.modelKnown, limit: profile.limits.tokensPerExample },
  };
}

/**
 * The method a file is judged with, given the method inferred from its formats (`inferMethod`) and the profile: a
 * chat file is not judged as reinforcement data on a service that has no reinforcement fine-tuning (Together ignores
 * the extra keys that made it look like RFT data), and is judged as reinforcement data where that is the only method
 * (Amazon Bedrock). A format the profile does not accept keeps its method: its lines get `format-not-accepted`
 * (`applyLineProfile`), naming the profile, rather than being judged silently as another method. O(1).
 */
export function profileMethod(inferred: Method, profile: Profile | undefined): Method {
  if (profile === undefined || profile.provider === 'openai') return inferred;
  const has = profile.methods;
  if (inferred === 'reinforcement' && !has.includes('reinforcement') && has.includes('supervised')) return 'supervised';
  if (inferred === 'supervised' && !has.includes('supervised') && has.includes('reinforcement')) return 'reinforcement';
  return inferred;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  messages: 'chat messages',
  preference: 'preference (input / preferred_output / non_preferred_output)',
  completion: 'prompt/completion',
  text: 'generic text ({"text": ...})',
};

const FORMAT_FAMILIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['messages', ['messages']],
  ['preference', ['input', 'preferred_output', 'non_preferred_output']],
  ['completion', ['prompt', 'completion']],
  ['text', ['text']],
];

function problem(code: string, severity: Severity | undefined, message: string, line: number, length: number, path?: string, data?: Record<string, unknown>): Problem {
  const r = ruleByCode(code);
  return {
    code,
    ruleId: r?.id ?? code,
    severity: severity ?? r?.severity ?? 'error',
    message,
    line,
    column: 0,
    endColumn: length,
    ...(path !== undefined ? { path } : {}),
    ...(data ? { data } : {}),
  };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The format families a line's top-level keys belong to. */
function familiesOf(o: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [family, keys] of FORMAT_FAMILIES) {
    for (const k of keys) {
      if (o[k] !== undefined) {
        out.push(family);
        break;
      }
    }
  }
  return out;
}

/** Image URLs of an example that are not `data:` URLs, with their paths (messages and preference input). */
function nonBase64Images(o: Record<string, unknown>): string[] {
  const out: string[] = [];
  const scan = (messages: unknown, base: string): void => {
    if (!Array.isArray(messages)) return;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (!isObj(m) || !Array.isArray(m.content)) continue;
      const parts = m.content as unknown[];
      for (let j = 0; j < parts.length; j++) {
        const part = parts[j];
        if (!isObj(part) || part.type !== 'image_url') continue;
        const iu = part.image_url;
        const url = isObj(iu) ? iu.url : iu;
        if (typeof url === 'string' && !url.startsWith('data:')) out.push(`${base}[${i}].content[${j}].image_url.url`);
      }
    }
  };
  scan(o.messages, 'messages');
  if (isObj(o.input)) scan(o.input.messages, 'input.messages');
  return out;
}

/**
 * Adjusts one line's problems (from `checkLine`, all on `line`) to the profile. `value` is the parsed line, `images`
 * its image parts, `length` its UTF-16 length. Returns `problems` itself when nothing changes.
 */
export function applyLineProfile(
  profile: Profile | undefined,
  problems: readonly Problem[],
  value: unknown,
  images: number,
  line: number,
  example: number,
  length: number,
  method: Method,
): readonly Problem[] {
  if (profile === undefined || profile.provider === 'openai') return problems;
  const o = isObj(value) ? value : undefined;
  const families = o ? familiesOf(o) : [];
  // A generic-text line (`{"text": "..."}`) is a valid example where the profile accepts that format.
  const textLine = o !== undefined && profile.formats.includes('text') && families.length === 1 && families[0] === 'text' && typeof o.text === 'string';
  const anyKey = profile.extraTopLevelKeys.includes('*');
  let out: Problem[] | undefined;
  const keep = (p: Problem | undefined, i: number): void => {
    if (p === problems[i] && out === undefined) return;
    if (out === undefined) out = problems.slice(0, i) as Problem[];
    if (p) out.push(p);
  };
  for (let i = 0; i < problems.length; i++) {
    const p = problems[i]!;
    let next: Problem | undefined = p;
    const sev = profile.severities[p.code];
    if (textLine) next = undefined;
    else if (sev === 'off') next = undefined;
    else if (sev !== undefined && sev !== p.severity) next = { ...p, severity: sev };
    else if (p.code === 'unknown-top-level-key') {
      const key = typeof p.data?.key === 'string' ? p.data.key : undefined;
      if (anyKey || (key !== undefined && profile.extraTopLevelKeys.includes(key))) next = undefined;
    } else if (p.code === 'weight-not-on-assistant' && profile.weightOnAnyMessage) next = undefined;
    else if ((p.code === 'rft-invalid-role' || p.code === 'invalid-role') && profile.extraRoles.some((r) => p.message.includes(`.role is "${r}";`))) next = undefined;
    else if (p.code === 'too-many-images' && profile.limits.imagesPerExample !== 10) next = undefined; // re-judged below
    keep(next, i);
  }
  const added: Problem[] = [];
  if (o !== undefined) {
    // `text` lines on a profile without that format already fail OpenAI's rules (no known format); a line of another
    // format than the file's already has `wrong-format`.
    if (families.length === 1 && families[0] !== 'text' && !profile.formats.includes(families[0] as Profile['formats'][number]) && !problems.some((p) => p.code === 'wrong-format')) {
      const f = families[0]!;
      added.push(
        problem(
          'format-not-accepted',
          undefined,
          `Example ${example} uses the ${FORMAT_NAMES[f] ?? f} format, which ${profile.label} does not accept (it takes ${profile.formats.map((x) => FORMAT_NAMES[x] ?? x).join(', ')}). Convert the line${f === 'completion' ? ' to chat messages' : ''} or choose another provider.`,
          line,
          length,
          undefined,
          { format: f, accepted: profile.formats, profile: profile.id, ...(f === 'completion' && profile.formats.includes('messages') ? { found: 'completion', expected: 'supervised' } : {}) },
        ),
      );
    }
    if (profile.oneFormatPerLine && families.length > 1) {
      added.push(
        problem(
          'ambiguous-line-format',
          undefined,
          `Example ${example} has the keys of ${families.length} formats (${families.join(', ')}); ${profile.providerLabel} rejects a file whose lines match two formats. Keep only the keys of one format.`,
          line,
          length,
          undefined,
          { formats: families },
        ),
      );
    }
    if (method === 'reinforcement' || profile.methods.length === 1) {
      for (const k of profile.requiredTopLevelKeys) {
        if (o[k] === undefined && families.includes('messages')) {
          added.push(
            problem(
              'missing-required-field',
              undefined,
              `Example ${example} has no "${k}"; ${profile.providerLabel} requires it on every example (e.g. "${k}": "the expected answer" for the reward function).`,
              line,
              length,
              k,
              { key: k },
            ),
          );
        }
      }
    }
    if (images > 0) {
      if (profile.limits.imagesPerExample !== 10 && images > profile.limits.imagesPerExample) {
        added.push(
          problem(
            'too-many-images',
            undefined,
            `Example ${example} has ${images} images; ${profile.providerLabel} allows at most ${profile.limits.imagesPerExample} images per example. Split the example or drop images.`,
            line,
            length,
            undefined,
            { images, limit: profile.limits.imagesPerExample },
          ),
        );
      }
      if (profile.limits.imageEncoding === 'base64') {
        for (const path of nonBase64Images(o)) {
          added.push(
            problem(
              'image-not-base64',
              undefined,
              `Example ${example}: ${path} is a URL; ${profile.providerLabel} takes images only as base64 data URLs (data:image/png;base64,...). Download the image and embed it.`,
              line,
              length,
              path,
            ),
          );
        }
      }
    }
  }
  if (added.length === 0) return out ?? problems;
  const all = [...(out ?? problems), ...added];
  all.sort((a, b) => (a.column ?? 0) - (b.column ?? 0));
  return all;
}

/** What `applyFileProfile` needs to know about the file. */
export interface ProfileFileFacts {
  readonly method: Method;
  readonly examples: number;
  readonly bytes: number;
  /** Examples with at least one image. */
  readonly imageExamples?: number;
}

function fileProblem(code: string, message: string, data?: Record<string, unknown>): Problem {
  const r = ruleByCode(code);
  return { code, ruleId: r?.id ?? code, severity: r?.severity ?? 'error', message, ...(data ? { data } : {}) };
}

function fmtSize(bytes: number): string {
  const GB = 1024 * 1024 * 1024;
  return bytes >= GB ? `${(bytes / GB).toFixed(2)} GB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** File-level codes that the profile re-judges with its own numbers. */
const REJUDGED = new Set(['too-few-examples', 'few-examples', 'file-too-large', 'upload-too-large', 'rft-file-requirements']);

/**
 * Adjusts the file-level problems (`fileLevelProblems`) to the profile: the example counts and file size with the
 * profile's numbers, rules that do not apply removed. Returns `problems` itself for the OpenAI profile.
 */
export function applyFileProfile(profile: Profile | undefined, problems: Problem[], f: ProfileFileFacts): Problem[] {
  if (profile === undefined || profile.provider === 'openai') return problems;
  const out: Problem[] = [];
  for (const p of problems) {
    if (REJUDGED.has(p.code)) continue;
    const sev = profile.severities[p.code];
    if (sev === 'off') continue;
    if (p.code === 'vision-model' && (profile.visionModels === undefined || profile.visionModels.includes(profile.model))) continue;
    if (p.code === 'rft-model' && profile.provider !== 'azure') continue;
    out.push(sev !== undefined && sev !== p.severity ? { ...p, severity: sev } : p);
  }
  const n = f.examples;
  const file = profile.file;
  const who = profile.providerLabel;
  if (n < file.minExamples) {
    out.push(fileProblem('too-few-examples', `The file has ${n} example${n === 1 ? '' : 's'}, but ${who} needs at least ${file.minExamples}. Add ${file.minExamples - n} more.`, { examples: n, min: file.minExamples }));
  } else if (file.recommendedExamples !== undefined && n < file.recommendedExamples && (f.method === 'supervised' || f.method === 'dpo')) {
    out.push(fileProblem('few-examples', `The file has ${n} examples. Start with at least ${file.recommendedExamples} well-crafted examples; improvements usually show from 50–100.`, { examples: n }));
  }
  if (file.maxExamples !== undefined && n > file.maxExamples) {
    out.push(fileProblem('too-many-examples', `The file has ${n.toLocaleString('en-US')} examples; ${who} takes at most ${file.maxExamples.toLocaleString('en-US')}. Split it or sample it.`, { examples: n, max: file.maxExamples }));
  }
  if (file.maxImageExamples !== undefined && (f.imageExamples ?? 0) > file.maxImageExamples) {
    const k = f.imageExamples!;
    out.push(fileProblem('too-many-examples', `The file has ${k.toLocaleString('en-US')} examples with images; ${who} takes at most ${file.maxImageExamples.toLocaleString('en-US')} examples with images per training file. Split it or sample it.`, { imageExamples: k, max: file.maxImageExamples }));
  }
  if (file.maxBytes !== undefined) {
    if (f.bytes > file.maxBytes) out.push(fileProblem('file-too-large', `The file is ${fmtSize(f.bytes)}, over ${who}'s limit of ${fmtSize(file.maxBytes)}. Split it or make it smaller.`, { bytes: f.bytes, max: file.maxBytes }));
  } else {
    for (const p of problems) if (p.code === 'file-too-large' || p.code === 'upload-too-large') out.push(p);
  }
  if (profile.provider === 'azure') {
    for (const p of problems) if (p.code === 'rft-file-requirements') out.push(p);
  }
  return out;
}
