/**
 * What differs between the OpenAI API and Azure OpenAI's v1 API, as far as the local stand-in is concerned.
 */
import { randomBytes } from 'node:crypto';

export type FlavourName = 'openai' | 'azure' | 'nebius' | 'bedrock-mantle';

/** Dataset rules of an OpenAI-compatible service that differ from OpenAI's (issue 20). */
export interface FlavourDatasetRules {
  readonly minExamples: number;
  readonly maxExamples?: number;
  /** Top-level fields every example must have (Bedrock Mantle RFT: reference_answer). */
  readonly requiredFields?: readonly string[];
  /** Check lines with these rules instead of Tuneline's OpenAI engine (the service's own format). */
  readonly ownFormat?: boolean;
}

export interface Flavour {
  readonly name: FlavourName;
  /** Path prefix of every API route, e.g. `/v1`. */
  readonly prefix: string;
  /** The key presented by the request (`Authorization: Bearer`, or for Azure also `api-key`), if any. */
  presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined;
  /** Message of the 401 answer. */
  unauthorized(presented: string | undefined): { message: string; code: string | null; type: string };
  /** `fine_tuned_model` id of a job that succeeded. */
  fineTunedModelId(baseModel: string, organization: string, suffix: string | null): string;
  /** Checkpoint model id for `step`. */
  checkpointModelId(fineTunedModel: string, step: number): string;
  newId(kind: 'file' | 'ftjob' | 'ftevent' | 'ftckpt' | 'upload' | 'part' | 'chatcmpl'): string;
  /** Does chatting with a fine-tuned model need a deployment (Azure) or is the model id enough (OpenAI)? */
  readonly needsDeployment: boolean;
  /** Only the models marked with this flavour are offered (the open-model services); default: every shared model. */
  readonly ownModelsOnly?: boolean;
  readonly dataset?: FlavourDatasetRules;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i]! % ALNUM.length];
  return s;
}
const randomHex = (n: number): string => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);

function bearer(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  const value = Array.isArray(auth) ? auth[0] : auth;
  const m = value ? /^Bearer\s+(.+)$/i.exec(value.trim()) : null;
  return m ? m[1]!.trim() : undefined;
}

const redact = (key: string): string => (key.length <= 8 ? key : `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`);

export const OPENAI: Flavour = {
  name: 'openai',
  prefix: '/v1',
  presentedKey: bearer,
  unauthorized: (presented) =>
    presented === undefined
      ? {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: 'invalid_request_error',
          code: null,
        }
      : {
          message: `Incorrect API key provided: ${redact(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
  fineTunedModelId: (base, org, suffix) => `ft:${base}:${org}${suffix ? `:${suffix}` : ''}:${randomAlnum(8)}`,
  checkpointModelId: (ft, step) => `${ft}:ckpt-step-${step}`,
  newId: (kind) => {
    switch (kind) {
      case 'file':
        return `file-${randomAlnum(22)}`;
      case 'ftjob':
        return `ftjob-${randomAlnum(24)}`;
      case 'ftevent':
        return `ftevent-${randomAlnum(24)}`;
      case 'ftckpt':
        return `ftckpt_${randomAlnum(24)}`;
      case 'upload':
        return `upload_${randomAlnum(24)}`;
      case 'part':
        return `part_${randomAlnum(24)}`;
      case 'chatcmpl':
        return `chatcmpl-${randomAlnum(29)}`;
    }
  },
  needsDeployment: false,
};

export const AZURE: Flavour = {
  name: 'azure',
  prefix: '/openai/v1',
  presentedKey: (headers) => {
    const k = headers['api-key'];
    const v = Array.isArray(k) ? k[0] : k;
    return v?.trim() || bearer(headers);
  },
  unauthorized: () => ({
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    type: 'invalid_request_error',
    code: '401',
  }),
  fineTunedModelId: (base, _org, suffix) => `${base}.ft-${randomHex(32)}${suffix ? `-${suffix}` : ''}`,
  checkpointModelId: (ft, step) => `${ft}:ckpt-step-${step}`,
  newId: (kind) => {
    switch (kind) {
      case 'file':
        return `file-${randomHex(32)}`;
      case 'ftjob':
        return `ftjob-${randomHex(32)}`;
      case 'ftevent':
        return `ftevent-${randomHex(32)}`;
      case 'ftckpt':
        return `ftchkpt-${randomHex(32)}`;
      case 'upload':
        return `upload-${randomHex(32)}`;
      case 'part':
        return `part-${randomHex(32)}`;
      case 'chatcmpl':
        return `chatcmpl-${randomAlnum(29)}`;
    }
  },
  needsDeployment: true,
};

/**
 * Nebius Token Factory: OpenAI-compatible at https://api.tokenfactory.nebius.com/v1 (docs.tokenfactory.nebius.com
 * api-reference/introduction), Bearer key, its own open models (src/api/providers/nebius.ts).
 */
export const NEBIUS: Flavour = {
  ...OPENAI,
  name: 'nebius',
  unauthorized: (presented) => ({ message: presented === undefined ? 'Missing API key: send Authorization: Bearer <NEBIUS_API_KEY>.' : 'Invalid API key.', type: 'invalid_request_error', code: 'invalid_api_key' }),
  fineTunedModelId: (base, _org, suffix) => `${base}-LoRa:${suffix ?? 'ft'}-${randomAlnum(6).toLowerCase()}`,
  ownModelsOnly: true,
  dataset: { minExamples: 1 },
};

/**
 * Amazon Bedrock Mantle: OpenAI-compatible at https://bedrock-mantle.REGION.api.aws/v1 with a Bedrock API key as the
 * bearer token; reinforcement fine-tuning of open-weight models on data with `messages` + `reference_answer`,
 * 100 to 20,000 examples (docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html).
 */
export const BEDROCK_MANTLE: Flavour = {
  ...OPENAI,
  name: 'bedrock-mantle',
  unauthorized: (presented) => ({
    message: presented === undefined ? 'Missing Authentication Token' : 'The security token included in the request is invalid.',
    type: 'authentication_error',
    code: presented === undefined ? 'MissingAuthenticationToken' : 'UnrecognizedClientException',
  }),
  fineTunedModelId: (base, _org, suffix) => `${base}:ft:${suffix ?? 'custom'}:${randomAlnum(10).toLowerCase()}`,
  ownModelsOnly: true,
  dataset: { minExamples: 100, maxExamples: 20_000, requiredFields: ['reference_answer'], ownFormat: true },
};

export const flavourByName = (name: FlavourName): Flavour =>
  name === 'azure' ? AZURE : name === 'nebius' ? NEBIUS : name === 'bedrock-mantle' ? BEDROCK_MANTLE : OPENAI;

export const FLAVOUR_NAMES: readonly FlavourName[] = ['openai', 'azure', 'nebius', 'bedrock-mantle'];
