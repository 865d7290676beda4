/**
 * RFT grader rules (RFT-08, GRD-01..07) and the `{{ item.X }}` paths a grader uses (for RFT-05 in `checkLine`).
 * The grader is `method.reinforcement.grader` as parsed JSON; problems have no line.
 */
import type { PathSegment, Problem } from '../types';
import { ruleByCode } from './catalog';
import { formatPath, isObj, nearest, show, typeName, type Obj } from './util';

const TOP_TYPES = ['string_check', 'text_similarity', 'python', 'score_model', 'multi'];
const SUB_TYPES = ['string_check', 'text_similarity', 'python', 'score_model', 'label_model'];
const OPERATIONS = ['eq', 'ne', 'like', 'ilike'];
const METRICS = ['fuzzy_match', 'bleu', 'gleu', 'meteor', 'rouge_1', 'rouge_2', 'rouge_3', 'rouge_4', 'rouge_5', 'rouge_l'];
/** GRD-04: models allowed in a score_model grader (S1, S4f). */
export const GRADER_MODELS: readonly string[] = [
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'gpt-4.1-2025-04-14',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano-2025-04-14',
  'o1-2024-12-17',
  'o3-mini-2025-01-31',
  'o3-2025-04-16',
  'o4-mini-2025-04-16',
];
const SAMPLE_VARS = ['output_text', 'output_json', 'output_tools', 'choices'];
const FORMULA_FUNCTIONS = ['min', 'max', 'abs', 'floor', 'ceil', 'exp', 'sqrt', 'log'];
const PYTHON_MAX_BYTES = 256 * 1024;

const CODE_BY_TYPE: Readonly<Record<string, string>> = {
  string_check: 'string-check-grader',
  text_similarity: 'text-similarity-grader',
  python: 'python-grader',
  score_model: 'score-model-grader',
  label_model: 'label-model-grader',
  multi: 'multi-grader',
};
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  string_check: ['name', 'input', 'reference', 'operation'],
  text_similarity: ['name', 'input', 'reference', 'evaluation_metric'],
  python: ['name', 'source'],
  score_model: ['name', 'input', 'model'],
  label_model: ['name', 'model', 'input', 'labels', 'passing_labels'],
  multi: ['name', 'graders', 'calculate_output'],
};

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;

function isReasoningModel(model: string): boolean {
  return /^o[0-9]/.test(model);
}

class GraderChecker {
  readonly problems: Problem[] = [];

  add(code: string, path: readonly PathSegment[], text: string, data?: Record<string, unknown>): void {
    const rule = ruleByCode(code);
    this.problems.push({
      code,
      ruleId: rule ? rule.id : code,
      severity: rule ? rule.severity : 'error',
      message: `Grader: ${text}`,
      path: formatPath(path),
      ...(data ? { data } : {}),
    });
  }

  top(g: unknown): void {
    const base: PathSegment[] = ['grader'];
    if (g === undefined || g === null) {
      this.add('invalid-rft-grader', base, 'a reinforcement job needs method.reinforcement.grader; add one (e.g. a string_check grader).');
      return;
    }
    if (!isObj(g)) {
      this.add('invalid-rft-grader', base, `grader is ${typeName(g)}; it must be a grader object with a "type".`);
      return;
    }
    const type = g.type;
    if (typeof type !== 'string' || !TOP_TYPES.includes(type)) {
      const suggestion = typeof type === 'string' ? nearest(type, TOP_TYPES) : undefined;
      this.add(
        'invalid-rft-grader',
        [...base, 'type'],
        type === 'label_model'
          ? 'grader.type is "label_model", which is allowed only inside a "multi" grader. Wrap it in {"type": "multi", "graders": {...}, "calculate_output": ...}.'
          : `grader.type is ${show(type)}; it must be one of ${TOP_TYPES.join(', ')}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
        suggestion ? { suggestion } : undefined,
      );
      return;
    }
    this.one(g, type, base, false);
    this.templates(g, base);
  }

  one(g: Obj, type: string, base: PathSegment[], inMulti: boolean): void {
    const code = CODE_BY_TYPE[type]!;
    for (const k of REQUIRED[type]!) {
      if (g[k] === undefined) this.add(code, [...base, k], `${formatPath(base)} (${type}) is missing "${k}"; add it.`, { key: k });
    }
    const str = (k: string) => {
      const v = g[k];
      if (v !== undefined && typeof v !== 'string') this.add(code, [...base, k], `${formatPath([...base, k])} is ${typeName(v)}; it must be a string.`);
    };
    str('name');
    switch (type) {
      case 'string_check': {
        str('input');
        str('reference');
        const op = g.operation;
        if (op !== undefined && (typeof op !== 'string' || !OPERATIONS.includes(op))) {
          const suggestion = op === 'neq' || op === '!=' ? 'ne' : op === '==' ? 'eq' : typeof op === 'string' ? nearest(op, OPERATIONS) : undefined;
          this.add(
            code,
            [...base, 'operation'],
            `${formatPath([...base, 'operation'])} is ${show(op)}; it must be one of eq, ne, like, ilike.${suggestion ? ` Use "${suggestion}".` : ''}`,
            suggestion ? { suggestion } : undefined,
          );
        }
        break;
      }
      case 'text_similarity': {
        str('input');
        str('reference');
        const m = g.evaluation_metric;
        if (m === 'cosine') {
          this.add(code, [...base, 'evaluation_metric'], `${formatPath([...base, 'evaluation_metric'])} is "cosine", which is only available for evals, not for fine-tuning. Use e.g. "fuzzy_match".`, { suggestion: 'fuzzy_match' });
        } else if (m !== undefined && (typeof m !== 'string' || !METRICS.includes(m))) {
          const suggestion = typeof m === 'string' ? nearest(m, METRICS) : undefined;
          this.add(code, [...base, 'evaluation_metric'], `${formatPath([...base, 'evaluation_metric'])} is ${show(m)}; it must be one of ${METRICS.join(', ')}.`, suggestion ? { suggestion } : undefined);
        }
        break;
      }
      case 'python': {
        str('source');
        str('image_tag');
        const src = g.source;
        if (typeof src === 'string') {
          const bytes = Buffer.byteLength(src, 'utf8');
          if (bytes > PYTHON_MAX_BYTES) {
            this.add(code, [...base, 'source'], `${formatPath([...base, 'source'])} is ${Math.round(bytes / 1024)} kB; python grader code must be under 256 kB.`);
          }
          if (!/^\s*def\s+grade\s*\(/m.test(src)) {
            this.add(code, [...base, 'source'], `${formatPath([...base, 'source'])} defines no grade() function; the code must define grade(sample, item) -> float.`);
          }
        }
        break;
      }
      case 'score_model':
      case 'label_model': {
        const model = g.model;
        if (model !== undefined && typeof model !== 'string') {
          this.add(code, [...base, 'model'], `${formatPath([...base, 'model'])} is ${typeName(model)}; it must be a model id.`);
        } else if (typeof model === 'string' && type === 'score_model' && !GRADER_MODELS.includes(model)) {
          const suggestion = nearest(model, GRADER_MODELS) ?? GRADER_MODELS.find((m) => m.startsWith(`${model}-`));
          this.add(
            code,
            [...base, 'model'],
            `${formatPath([...base, 'model'])} is "${model}", which is not a supported grader model (${GRADER_MODELS.join(', ')}).`,
            suggestion ? { suggestion } : undefined,
          );
        }
        const input = g.input;
        if (input !== undefined && !Array.isArray(input)) {
          this.add(code, [...base, 'input'], `${formatPath([...base, 'input'])} is ${typeName(input)}; it must be an array of messages.`);
        }
        if (type === 'score_model') {
          const range = g.range;
          if (
            range !== undefined &&
            !(Array.isArray(range) && range.length === 2 && typeof range[0] === 'number' && typeof range[1] === 'number' && range[0] < range[1])
          ) {
            this.add(code, [...base, 'range'], `${formatPath([...base, 'range'])} is ${show(range)}; it must be [min, max] with min < max (default [0, 1]).`);
          }
          const sp = g.sampling_params;
          if (isObj(sp) && typeof model === 'string') {
            if (isReasoningModel(model) && sp.temperature !== undefined && sp.temperature !== null) {
              this.add(code, [...base, 'sampling_params', 'temperature'], `${formatPath([...base, 'sampling_params', 'temperature'])} is set, but ${model} is a reasoning model and does not support temperature; remove it (use reasoning_effort).`);
            }
            if (!isReasoningModel(model) && sp.reasoning_effort !== undefined && sp.reasoning_effort !== null) {
              this.add(code, [...base, 'sampling_params', 'reasoning_effort'], `${formatPath([...base, 'sampling_params', 'reasoning_effort'])} is set, but ${model} is not a reasoning model; remove it.`);
            }
          }
        } else {
          if (!inMulti) this.add('invalid-rft-grader', [...base, 'type'], 'label_model graders are allowed only inside a "multi" grader.');
          const labels = g.labels;
          const passing = g.passing_labels;
          const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
          if (labels !== undefined && !isStrArr(labels)) this.add(code, [...base, 'labels'], `${formatPath([...base, 'labels'])} must be an array of strings.`);
          if (passing !== undefined && !isStrArr(passing)) {
            this.add(code, [...base, 'passing_labels'], `${formatPath([...base, 'passing_labels'])} must be an array of strings.`);
          } else if (isStrArr(passing) && isStrArr(labels)) {
            const extra = passing.filter((p) => !labels.includes(p));
            if (extra.length > 0) {
              this.add(code, [...base, 'passing_labels'], `${formatPath([...base, 'passing_labels'])} has ${extra.map((x) => `"${x}"`).join(', ')}, not in labels; passing_labels must be a subset of labels.`, { extra });
            }
          }
        }
        break;
      }
      case 'multi':
        this.multi(g, base);
        break;
    }
  }

  multi(g: Obj, base: PathSegment[]): void {
    const graders = g.graders;
    const names: string[] = [];
    const sub = (x: unknown, path: PathSegment[], key?: string) => {
      if (!isObj(x)) {
        this.add('multi-grader', path, `${formatPath(path)} is ${typeName(x)}; it must be a grader object.`);
        return;
      }
      const t = x.type;
      if (typeof t !== 'string' || !SUB_TYPES.includes(t)) {
        this.add('multi-grader', [...path, 'type'], `${formatPath([...path, 'type'])} is ${show(t)}; a grader inside multi is one of ${SUB_TYPES.join(', ')}.`);
        return;
      }
      if (key !== undefined) names.push(key);
      else if (typeof x.name === 'string') names.push(x.name);
      this.one(x, t, path, true);
    };
    if (graders === undefined) return;
    if (Array.isArray(graders)) {
      graders.forEach((x, i) => sub(x, [...base, 'graders', i]));
    } else if (isObj(graders) && typeof graders.type === 'string') {
      sub(graders, [...base, 'graders']);
    } else if (isObj(graders)) {
      const keys = Object.keys(graders);
      if (keys.length === 0) this.add('multi-grader', [...base, 'graders'], `${formatPath([...base, 'graders'])} is empty; add at least one grader.`);
      for (const k of keys) sub(graders[k], [...base, 'graders', k], k);
    } else {
      this.add('multi-grader', [...base, 'graders'], `${formatPath([...base, 'graders'])} is ${typeName(graders)}; it must map names to graders.`);
    }
    const formula = g.calculate_output;
    if (formula === undefined) return;
    if (typeof formula !== 'string') {
      this.add('multi-grader', [...base, 'calculate_output'], `${formatPath([...base, 'calculate_output'])} is ${typeName(formula)}; it must be a formula string.`);
      return;
    }
    const fp = [...base, 'calculate_output'];
    const bad = /[^A-Za-z0-9_.\s+\-*/^(),]/.exec(formula);
    if (bad) {
      this.add('multi-grader', fp, `${formatPath(fp)} contains "${bad[0]}"; formulas use grader names, numbers, + - * / ^, parentheses and ${FORMULA_FUNCTIONS.join(' ')}.`);
    }
    const ids = formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
    for (const id of new Set(ids)) {
      if (names.includes(id) || FORMULA_FUNCTIONS.includes(id)) continue;
      const suggestion = nearest(id, names);
      this.add(
        'multi-grader',
        fp,
        `${formatPath(fp)} uses "${id}", which is neither a grader name (${names.join(', ') || 'none'}) nor a function (${FORMULA_FUNCTIONS.join(', ')}).`,
        suggestion ? { suggestion, name: id } : { name: id },
      );
    }
  }

  templates(g: unknown, base: PathSegment[]): void {
    forEachTemplate(g, base, (inner, path) => {
      const dot = inner.indexOf('.');
      const ns = dot < 0 ? inner : inner.slice(0, dot);
      const rest = dot < 0 ? '' : inner.slice(dot + 1);
      if (ns !== 'item' && ns !== 'sample') {
        const suggestion = nearest(ns, ['item', 'sample']);
        this.add(
          'invalid-grader-template',
          path,
          `${formatPath(path)} uses {{ ${inner} }}; the only template namespaces are "item" and "sample" (e.g. {{ sample.output_text }}, {{ item.reference_answer }}).`,
          suggestion ? { suggestion } : undefined,
        );
      } else if (rest === '') {
        this.add('invalid-grader-template', path, `${formatPath(path)} uses {{ ${inner} }} without a variable; write {{ ${ns}.<variable> }}.`);
      } else if (ns === 'sample') {
        const v = rest.split(/[.[]/, 1)[0]!;
        if (!SAMPLE_VARS.includes(v)) {
          const suggestion = nearest(v, SAMPLE_VARS) ?? (v.length >= 3 ? SAMPLE_VARS.find((x) => x.startsWith(v)) : undefined);
          this.add(
            'invalid-grader-template',
            path,
            `${formatPath(path)} uses {{ ${inner} }}; sample offers only ${SAMPLE_VARS.join(', ')}.${suggestion ? ` Did you mean sample.${suggestion}?` : ''}`,
            suggestion ? { suggestion: `sample.${suggestion}` } : undefined,
          );
        }
      }
    });
  }
}

/** Call `fn(innerText, path)` for every `{{ ... }}` template in the grader's strings (python `source` excluded). */
function forEachTemplate(v: unknown, path: PathSegment[], fn: (inner: string, path: PathSegment[]) => void): void {
  if (typeof v === 'string') {
    if (v.indexOf('{{') < 0) return;
    TEMPLATE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TEMPLATE.exec(v)) !== null) fn(m[1]!.trim(), path);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => forEachTemplate(x, [...path, i], fn));
    return;
  }
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (k === 'source') continue;
      forEachTemplate(v[k], [...path, k], fn);
    }
  }
}

/** Check an RFT grader (`method.reinforcement.grader`): RFT-08 and GRD-01..07. Never throws. */
export function checkGrader(grader: unknown): Problem[] {
  const c = new GraderChecker();
  try {
    c.top(grader);
  } catch {
    // Defensive: a grader is user JSON; a checker bug must not break validation.
  }
  return c.problems;
}

/**
 * The `{{ item.X }}` paths a grader uses, as dotted paths without the `item.` prefix (`reference_answer`,
 * `meta.label`, `choices.0`), unique, in order of first use.
 */
export function graderItemPaths(grader: unknown): string[] {
  const out: string[] = [];
  forEachTemplate(grader, [], (inner) => {
    if (!inner.startsWith('item.')) return;
    const p = inner
      .slice(5)
      .replace(/\[(\d+)\]/g, '.$1')
      .replace(/\[["']([^"']*)["']\]/g, '.$1');
    if (p && !out.includes(p)) out.push(p);
  });
  return out;
}
