/**
 * Data-quality rules that the format rules miss, on one line (after `checkLine`, in `analyzeLine`):
 * - TL-10 `arguments-double-encoded`: a tool call's `arguments` string parses to a string that itself holds JSON
 *   (`"arguments": "\"{\\\"city\\\": \\\"Paris\\\"}\""`): the model learns to emit quoted JSON. The problem carries
 *   the fix (`data.fix`: the single-encoded arguments string, `data.path`) so that a quick fix can replace the value.
 * - TL-11 `arguments-schema-mismatch`: the arguments parse to an object that does not match the called tool's
 *   `parameters` JSON schema (a required property missing, a property of the wrong type or outside its `enum`, or an
 *   undeclared property where `additionalProperties` is false).
 *
 * Cost: lines without the literal `"arguments"` are not looked at; otherwise one walk over the tool calls, each
 * argument string parsed once, and a schema walk linear in the size of the arguments.
 */
import { locate } from '../locate';
import type { PathSegment, Problem } from '../types';
import { ruleByCode } from './catalog';
import { formatPath } from './util';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function make(code: string, text: string, line: number, path: PathSegment[], message: string, data?: Record<string, unknown>): Problem {
  const r = ruleByCode(code);
  const range = locate(text, path, 'value');
  return {
    code,
    ruleId: r?.id ?? code,
    severity: r?.severity ?? 'warning',
    message,
    line,
    column: range.column,
    endColumn: range.endColumn,
    path: formatPath(path),
    ...(data ? { data } : {}),
  };
}

/** The `parameters` schema of each function the line declares in `tools` (or the deprecated `functions`). */
function declaredSchemas(o: Obj): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const tools = o.tools;
  if (Array.isArray(tools)) {
    for (const t of tools) {
      const f = isObj(t) ? t.function : undefined;
      if (isObj(f) && typeof f.name === 'string' && f.parameters !== undefined) out.set(f.name, f.parameters);
    }
  }
  const fns = o.functions;
  if (Array.isArray(fns)) {
    for (const f of fns) if (isObj(f) && typeof f.name === 'string' && f.parameters !== undefined) out.set(f.name, f.parameters);
  }
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = jsonType(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/**
 * The first way `v` fails `schema` (a subset of JSON Schema: type, enum, required, properties, additionalProperties,
 * items), or undefined. Unknown keywords are ignored (never a false alarm for a schema feature not checked).
 */
export function schemaMismatch(v: unknown, schema: unknown, path: string, depth = 0): string | undefined {
  if (!isObj(schema) || depth > 32) return undefined;
  const t = schema.type;
  if (typeof t === 'string' && !typeMatches(v, t)) return `${path || 'the arguments'} is ${jsonType(v)}, the schema says ${t}`;
  if (Array.isArray(t) && t.every((x) => typeof x === 'string') && !t.some((x) => typeMatches(v, x as string))) {
    return `${path || 'the arguments'} is ${jsonType(v)}, the schema says ${t.join(' or ')}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === v || (typeof e === 'object' && JSON.stringify(e) === JSON.stringify(v)))) {
    return `${path || 'the value'} is ${JSON.stringify(v)}, not one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  }
  if (isObj(v)) {
    const props = isObj(schema.properties) ? schema.properties : undefined;
    if (Array.isArray(schema.required)) {
      for (const k of schema.required) if (typeof k === 'string' && !(k in v)) return `the required property "${path ? path + '.' : ''}${k}" is missing`;
    }
    for (const k of Object.keys(v)) {
      const sub = props?.[k];
      if (sub !== undefined) {
        const why = schemaMismatch(v[k], sub, path ? `${path}.${k}` : k, depth + 1);
        if (why) return why;
      } else if (schema.additionalProperties === false) {
        return `"${path ? path + '.' : ''}${k}" is not a declared parameter (additionalProperties is false)`;
      }
    }
  } else if (Array.isArray(v) && isObj(schema.items)) {
    for (let i = 0; i < v.length; i++) {
      const why = schemaMismatch(v[i], schema.items, `${path}[${i}]`, depth + 1);
      if (why) return why;
    }
  }
  return undefined;
}

/**
 * Whether any message of the line has `tool_calls` or `function_call`: a look at a few parsed messages. (It replaced
 * a search of the line's text for `"arguments"`, which cost an eighth of `JSON.parse`'s time on every line: a pattern
 * that starts with `"` matches at every key; it also missed a key spelled with `\u` escapes.)
 */
function hasCalls(o: Obj): boolean {
  return listHasCalls(o.messages) || (isObj(o.input) && listHasCalls(o.input.messages)) || listHasCalls(o.preferred_output) || listHasCalls(o.non_preferred_output);
}

function listHasCalls(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (const m of list) if (isObj(m) && (m.tool_calls !== undefined || m.function_call !== undefined)) return true;
  return false;
}

/** Adds the quality problems of one parsed line to its `problems` (returned as-is when there are none). */
export function checkQuality(problems: readonly Problem[], value: object, text: string, line: number, example: number): readonly Problem[] {
  const o = value as Obj;
  if (!hasCalls(o)) return problems;
  const lists: Array<[unknown, PathSegment[]]> = [[o.messages, ['messages']]];
  if (isObj(o.input)) lists.push([o.input.messages, ['input', 'messages']]);
  if (Array.isArray(o.preferred_output)) lists.push([o.preferred_output, ['preferred_output']]);
  if (Array.isArray(o.non_preferred_output)) lists.push([o.non_preferred_output, ['non_preferred_output']]);
  let schemas: Map<string, unknown> | undefined;
  const added: Problem[] = [];
  for (const [messages, base] of lists) {
    if (!Array.isArray(messages)) continue;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (!isObj(m)) continue;
      const tc = m.tool_calls;
      if (Array.isArray(tc)) {
        for (let j = 0; j < tc.length; j++) {
          const c = tc[j];
          if (isObj(c) && isObj(c.function)) checkCall(c.function, () => [...base, i, 'tool_calls', j, 'function']);
        }
      }
      if (isObj(m.function_call)) checkCall(m.function_call, () => [...base, i, 'function_call']);
    }
  }
  function checkCall(f: Obj, fp: () => PathSegment[]): void {
    const args = f.arguments;
    if (typeof args !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      return; // arguments-not-json (TOOL-06) reports it
    }
    if (typeof parsed === 'string') {
      let inner: unknown;
      try {
        inner = JSON.parse(parsed);
      } catch {
        inner = undefined;
      }
      if (typeof inner === 'object' && inner !== null) {
        const ap = [...fp(), 'arguments'];
        added.push(
          make('arguments-double-encoded', text, line, ap,
            `Example ${example}: ${formatPath(ap)} is JSON encoded twice: it parses to a string that holds JSON. The model would learn to emit quoted JSON. Use the inner JSON as the arguments string.`,
            { fix: parsed, path: formatPath(ap) }),
        );
      }
      return;
    }
    const name = f.name;
    if (typeof name !== 'string') return;
    schemas ??= declaredSchemas(o);
    const schema = schemas.get(name);
    if (schema === undefined) return;
    const why = schemaMismatch(parsed, schema, '');
    if (why) {
      const ap = [...fp(), 'arguments'];
      added.push(
        make('arguments-schema-mismatch', text, line, ap,
          `Example ${example}: the arguments of the call to ${name} do not match its parameters schema: ${why}. Fix the call or the tool's schema; the model learns both.`,
          { tool: name, reason: why }),
      );
    }
  }
  if (added.length === 0) return problems;
  const all = [...problems, ...added];
  all.sort((a, b) => (a.column ?? 0) - (b.column ?? 0));
  return all;
}
