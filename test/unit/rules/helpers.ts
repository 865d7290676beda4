import assert from 'node:assert/strict';
import { parseLine } from '../../../src/core/parse';
import { checkLine, type LineContext } from '../../../src/core/rules';
import type { LineAnalysis, Method, Problem, Severity } from '../../../src/core/types';

export const SYS = { role: 'system', content: 'You are terse.' };
export const USR = { role: 'user', content: 'Capital of France?' };
export const AST = { role: 'assistant', content: 'Paris.' };
export const DEV = { role: 'developer', content: 'Answer with the city only.' };
export const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
export const CALL = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

export function line(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function analyze(text: string, method: Method = 'supervised', ctx: Partial<LineContext> = {}, lineNo = 0): LineAnalysis {
  return checkLine(text, parseLine(text), lineNo, method, { exampleNumber: ctx.exampleNumber ?? lineNo + 1, ...ctx });
}

export function problems(v: unknown, method: Method = 'supervised', ctx: Partial<LineContext> = {}): Problem[] {
  return [...analyze(line(v), method, ctx).problems];
}

export function rangeText(text: string, p: Problem): string {
  return text.slice(p.column, p.endColumn);
}

/**
 * Asserts that every problem of the line has `code` and `severity`, that one of them covers exactly `range`, and returns it.
 */
export function expectOnly(
  v: unknown,
  code: string,
  severity: Severity,
  range: string,
  method: Method = 'supervised',
  ctx: Partial<LineContext> = {},
  /** Other codes that necessarily come with this one (e.g. the deprecation warning of `functions`). */
  also: string[] = [],
): Problem {
  const text = line(v);
  const ps = analyze(text, method, ctx).problems.filter((p) => !also.includes(p.code));
  const summary = ps.map((p) => `${p.severity} ${p.code} [${rangeText(text, p)}] ${p.message}`).join('\n');
  assert.ok(ps.length > 0, `expected ${code}, got no problems`);
  assert.deepEqual([...new Set(ps.map((p) => p.code))], [code], summary);
  for (const p of ps) assert.equal(p.severity, severity, summary);
  const hit = ps.find((p) => rangeText(text, p) === range);
  assert.ok(hit, `no ${code} problem with range ${JSON.stringify(range)}:\n${summary}`);
  assert.equal(hit.line, 0);
  assert.ok(hit.message.startsWith(`Example ${ctx.exampleNumber ?? 1}`), hit.message);
  assert.equal(typeof hit.path, 'string');
  return hit;
}

/** Asserts the line has no problems at all (or, with `allow`, only those codes). */
export function expectClean(v: unknown, method: Method = 'supervised', allow: string[] = [], ctx: Partial<LineContext> = {}): void {
  const text = line(v);
  const ps = analyze(text, method, ctx).problems.filter((p) => !allow.includes(p.code));
  assert.deepEqual(
    ps.map((p) => `${p.code} [${rangeText(text, p)}] ${p.message}`),
    [],
  );
}
