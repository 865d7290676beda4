/**
 * Output formats of `tuneline validate`: text, JSON and SARIF 2.1.0. Lines and columns are 1-based in every format
 * (the engine's are 0-based); a file-level problem has no line.
 */
import * as path from 'node:path';
import { fmtInt, fmtUsd } from '../core/format';
import { RULES, ruleByCode, type Problem, type RuleInfo, type ValidationReport } from '../core';

/** Where the rule pages live (`docs/rules.md#<code>`). */
export const RULES_DOC_URL = 'https://github.com/tuneline/tuneline/blob/main/docs/rules.md';
export const TOOL_URL = 'https://github.com/tuneline/tuneline';

export interface FileResult {
  /** The path as given on the command line. */
  readonly path: string;
  readonly report: ValidationReport;
}


// ------------------------------------------------------------------------------------------------------------- text

export function textProblemLine(file: string, p: Problem): string {
  const where = p.line === undefined ? `${file}:` : `${file}:${p.line + 1}:${(p.column ?? 0) + 1}:`;
  return `${where} ${p.severity} ${p.code} ${p.message}`;
}

export function textSummary(file: string, r: ValidationReport): string {
  const parts = [
    `${fmtInt(r.examples)} example${r.examples === 1 ? '' : 's'}`,
    `method ${r.method}${r.methodInferred ? ' (inferred)' : ''}`,
    `model ${r.model}${r.modelKnown ? '' : ' (unknown model: fallback limits, no price)'}`,
    // The default (OpenAI) output is unchanged; another provider's profile is named.
    ...(r.profile.provider !== 'openai' ? [`checked against ${r.profile.label}${r.profile.tokensExact ? '' : ' (token counts are estimates)'}`] : []),
    `${fmtInt(r.counts.error)} error${r.counts.error === 1 ? '' : 's'}, ${fmtInt(r.counts.warning)} warning${r.counts.warning === 1 ? '' : 's'}, ${fmtInt(r.counts.info)} info`,
  ];
  if (r.tokens) {
    const t = r.tokens;
    parts.push(
      `${t.exact ? '' : '~'}${fmtInt(t.total)} tokens${t.exact ? '' : ' (estimated; exact counts skipped)'}, ` +
        `${fmtInt(t.billed)} billed over ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}` +
        (t.overLimit ? `, ${fmtInt(t.overLimit)} over the ${fmtInt(t.limit)}-token limit` : ''),
    );
  }
  if (r.estimatedCost) {
    parts.push(`estimated cost ${fmtUsd(r.estimatedCost.usd)} (prices of ${r.estimatedCost.priceDate})`);
  } else if (r.tokens && r.profile.provider !== 'openai' && r.profile.priceMissing !== undefined) {
    // The profile's price only (never OpenAI's for another service).
    parts.push(`cost: no published price on ${r.profile.providerLabel}`);
  }
  return `${file}: ${parts.join('; ')}${r.truncated ? `; only the first ${fmtInt(r.problems.length)} problems shown` : ''}`;
}

export function formatText(results: readonly FileResult[]): string {
  const out: string[] = [];
  for (const { path: file, report } of results) {
    for (const p of report.problems) out.push(textProblemLine(file, p));
    out.push(textSummary(file, report));
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

// ------------------------------------------------------------------------------------------------------------- json

export interface JsonProblem {
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  severity: string;
  code: string;
  message: string;
  /** Related places (1-based lines; `file`: another file, e.g. the training file of an overlap). */
  related?: Array<{ file?: string; line: number; message: string }>;
}

export function jsonProblem(p: Problem): JsonProblem {
  if (p.line === undefined) {
    return { severity: p.severity, code: p.code, message: p.message };
  }
  return {
    line: p.line + 1,
    column: (p.column ?? 0) + 1,
    endLine: p.line + 1,
    endColumn: (p.endColumn ?? p.column ?? 0) + 1,
    severity: p.severity,
    code: p.code,
    message: p.message,
    ...(p.related !== undefined && p.related.length > 0
      ? { related: p.related.map((r) => ({ ...(r.file !== undefined ? { file: r.file } : {}), line: r.line + 1, message: r.message })) }
      : {}),
  };
}

export function formatJson(results: readonly FileResult[]): string {
  const files = results.map(({ path: file, report: r }) => ({
    path: file,
    method: r.method,
    model: r.model,
    ...(r.profile.provider !== 'openai' ? { profile: r.profile } : {}),
    examples: r.examples,
    tokens: r.tokens ?? null,
    estimatedCost: r.estimatedCost ?? null,
    problems: r.problems.map(jsonProblem),
  }));
  return JSON.stringify({ files }, null, 2) + '\n';
}

// ------------------------------------------------------------------------------------------------------------ sarif

function sarifLevel(s: string): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function ruleName(code: string): string {
  return code.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function sarifRule(r: RuleInfo): Record<string, unknown> {
  const helpText = `${r.description}\n\nBad: ${r.bad}\nGood: ${r.good}`;
  const helpMarkdown = `${r.description}\n\n**Bad**\n\n\`\`\`json\n${r.bad}\n\`\`\`\n\n**Good**\n\n\`\`\`json\n${r.good}\n\`\`\`\n\nSee [${r.code}](${RULES_DOC_URL}#${r.code}).`;
  return {
    id: r.code,
    name: ruleName(r.code),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: helpText, markdown: helpMarkdown },
    helpUri: `${RULES_DOC_URL}#${r.code}`,
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: { tags: ['fine-tuning', 'jsonl', r.id], precision: 'very-high', referenceId: r.id },
  };
}

function artifactUri(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: 'file://' + abs.split(path.sep).map(encodeURIComponent).join('/').replace(/^\/?/, '/') };
}

export function formatSarif(results: readonly FileResult[], version: string, cwd: string): string {
  // Every rule of the catalogue that a problem can carry, in catalogue order; results point at them by index.
  const rules = RULES.filter((r) => r.scope !== 'job' && r.scope !== 'info');
  const index = new Map<string, number>();
  rules.forEach((r, i) => index.set(r.code, i));
  const extra: RuleInfo[] = [];
  const sarifResults: unknown[] = [];
  const artifacts: unknown[] = [];
  results.forEach(({ path: file, report }, artifactIndex) => {
    const loc = artifactUri(file, cwd);
    artifacts.push({ location: loc, length: report.bytes, mimeType: 'application/jsonl' });
    for (const p of report.problems) {
      let ri = index.get(p.code);
      if (ri === undefined) {
        const r = ruleByCode(p.code);
        if (r) {
          ri = rules.length + extra.length;
          extra.push(r);
          index.set(p.code, ri);
        }
      }
      const region =
        p.line === undefined
          ? { startLine: 1 }
          : {
              startLine: p.line + 1,
              startColumn: (p.column ?? 0) + 1,
              endLine: p.line + 1,
              endColumn: Math.max((p.endColumn ?? p.column ?? 0) + 1, (p.column ?? 0) + 1),
            };
      const result: Record<string, unknown> = {
        ruleId: p.code,
        level: sarifLevel(p.severity),
        message: { text: p.message },
        locations: [{ physicalLocation: { artifactLocation: { ...loc, index: artifactIndex }, region } }],
        properties: { referenceId: p.ruleId, ...(p.path ? { keyPath: p.path } : {}), ...(p.line === undefined ? { fileLevel: true } : {}) },
      };
      if (ri !== undefined) result.ruleIndex = ri;
      if (p.relatedLine !== undefined) {
        result.relatedLocations = [
          { id: 1, message: { text: `first copy (line ${p.relatedLine + 1})` }, physicalLocation: { artifactLocation: { ...loc, index: artifactIndex }, region: { startLine: p.relatedLine + 1 } } },
        ];
      }
      sarifResults.push(result);
    }
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Tuneline',
            version,
            semanticVersion: version,
            informationUri: TOOL_URL,
            rules: [...rules, ...extra].map(sarifRule),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(cwd) } },
        artifacts,
        results: sarifResults,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function pathToFileUri(dir: string): string {
  const p = path.resolve(dir).split(path.sep).map(encodeURIComponent).join('/');
  return `file://${p.startsWith('/') ? '' : '/'}${p}/`;
}
