/**
 * Checks the local Together flavour's responses against Together's own OpenAPI document
 * (shared/together-openapi/openapi.yaml, togethercomputer/openapi at 090263aa), the way specCheck.ts checks the OpenAI
 * flavours: the same schema conversion (`convertSchema`), ajv draft 2020-12, each response against its operation and
 * status, error answers against `ErrorData`, and accepted JSON requests against the operation's request schema.
 *
 * KNOWN_TOGETHER_SPEC_GAPS (deliberate, each with its reason):
 * - FinetuneResponse.id has `format: uuid`, yet the SPEC's own FinetuneResponseTruncated example is
 *   `ft-01234567890123456789` and its path parameters say "A string that starts with `ft-`" (as the SDK does): the
 *   format is dropped, the `ft-` prefix is checked instead.
 * - TrainingMethodSFT.train_on_inputs: `oneOf [boolean, "auto"]` next to `type: boolean`; the SDK allows both. Kept
 *   as written (stricter: boolean only), so the flavour and Tuneline send booleans.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import type { TogetherResponseRecord } from '../../tools/local-api/together';
import { convertSchema } from './specCheck';

export const TOGETHER_SPEC_PATH = process.env['TUNELINE_TOGETHER_OPENAPI'] ?? join(__dirname, '..', '..', 'tools', 'local-api', 'spec', 'together-openapi.yaml');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const KNOWN_TOGETHER_SPEC_GAPS = [
  { schema: 'FinetuneResponse', change: 'id: format uuid dropped (ids start with ft-)', why: "the SPEC's own example and path parameters use ft-… ids" },
] as const;

let cache: { ajv: Ajv2020; spec: Obj } | undefined;

export function togetherSpecAvailable(): boolean {
  return existsSync(TOGETHER_SPEC_PATH);
}

function loadTogether(): { ajv: Ajv2020; spec: Obj } {
  if (cache) return cache;
  const raw = load(readFileSync(TOGETHER_SPEC_PATH, 'utf8')) as Obj;
  const schemas = (raw['components'] as Obj)['schemas'] as Obj;
  const converted: Obj = {};
  for (const [name, schema] of Object.entries(schemas)) converted[name] = convertSchema(schema, name);
  const fr = ((converted['FinetuneResponse'] as Obj)['properties'] as Obj)['id'] as Obj;
  delete fr['format'];
  fr['pattern'] = '^ft-';
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: 'together', components: { schemas: converted } } as object);
  cache = { ajv, spec: raw };
  return cache;
}

const fmt = (errors: readonly ErrorObject[] | null | undefined): string[] => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

function validator(schema: Json): ValidateFunction {
  const { ajv } = loadTogether();
  if (isObj(schema) && typeof schema['$ref'] === 'string') {
    const v = ajv.getSchema(`together${schema['$ref']}`);
    if (!v) throw new Error(`no schema ${schema['$ref']}`);
    return v;
  }
  // inline schemas may $ref components: rewrite local refs to the registered document
  const text = JSON.stringify(convertSchema(schema)).replace(/"#\/components\//g, '"together#/components/');
  return ajv.compile(JSON.parse(text) as object);
}

export class TogetherSpecChecker {
  readonly violations: string[] = [];
  checked = 0;
  readonly seen = new Set<string>();

  readonly onResponse = (r: TogetherResponseRecord): void => {
    if (!r.operation) return;
    // POST /files → 302 is the SDK's presigned-upload exchange (lib/upload.js), which the SPEC does not describe
    // (it has POST /files/upload, multipart); its error answers are still checked against ErrorData below.
    if (r.method === 'POST' && r.operation === '/files') {
      if (r.status === 302) return;
      const v = validator({ $ref: '#/components/schemas/ErrorData' });
      this.checked++;
      if (!v(JSON.parse(r.body))) this.violations.push(`POST /files ${r.status}: ${fmt(v.errors).join('; ')}`);
      return;
    }
    const paths = loadTogether().spec['paths'] as Obj;
    const op = (paths[r.operation] as Obj | undefined)?.[r.method.toLowerCase()];
    if (!isObj(op)) {
      this.violations.push(`${r.method} ${r.operation}: not in the SPEC`);
      return;
    }
    this.seen.add(`${r.method} ${r.operation} ${r.status}`);
    if (r.requestJson && r.status < 300) {
      const rb = isObj(op['requestBody']) && isObj(op['requestBody']['content']) ? (op['requestBody']['content'] as Obj)['application/json'] : undefined;
      if (isObj(rb) && rb['schema'] !== undefined) {
        const v = validator(rb['schema']);
        this.checked++;
        if (!v(JSON.parse(r.requestJson))) this.violations.push(`${r.method} ${r.operation} request: ${fmt(v.errors).join('; ')}`);
      }
    }
    if (r.events) {
      // A streamed answer: every event against the SPEC's text/event-stream schema (ChatCompletionStream).
      const resp = (op['responses'] as Obj)[String(r.status)];
      const sse = isObj(resp) && isObj(resp['content']) ? (resp['content'] as Obj)['text/event-stream'] : undefined;
      if (!isObj(sse) || sse['schema'] === undefined) {
        this.violations.push(`${r.method} ${r.operation} ${r.status}: no text/event-stream schema in the SPEC`);
        return;
      }
      const v = validator(sse['schema']);
      for (const data of r.events) {
        this.checked++;
        const event = data === '[DONE]' ? { data: '[DONE]' } : { data: JSON.parse(data) as Json };
        if (!v(event)) this.violations.push(`${r.method} ${r.operation} ${r.status} event: ${fmt(v.errors).join('; ')}\n  ${data.slice(0, 300)}`);
      }
      return;
    }
    const resp = (op['responses'] as Obj)[String(r.status)];
    if (r.contentType) {
      // A body that is not JSON (GET /files/{id}/content: text/plain): the SPEC must list that content type.
      this.checked++;
      if (!(isObj(resp) && isObj(resp['content']) && (resp['content'] as Obj)[r.contentType] !== undefined)) this.violations.push(`${r.method} ${r.operation} ${r.status}: no ${r.contentType} answer in the SPEC`);
      return;
    }
    const content = isObj(resp) && isObj(resp['content']) ? (resp['content'] as Obj)['application/json'] : undefined;
    const schema: Json | undefined = isObj(content) ? content['schema'] : r.status >= 400 ? { $ref: '#/components/schemas/ErrorData' } : undefined;
    if (schema === undefined) {
      this.violations.push(`${r.method} ${r.operation} ${r.status}: no response schema in the SPEC`);
      return;
    }
    const v = validator(schema);
    this.checked++;
    if (!v(JSON.parse(r.body))) this.violations.push(`${r.method} ${r.operation} ${r.status}: ${fmt(v.errors).join('; ')}\n  ${r.body.slice(0, 300)}`);
  };
}

