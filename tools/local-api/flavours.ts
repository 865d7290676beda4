/**
 * What differs between the OpenAI API and Azure OpenAI's v1 API, as far as the local stand-in is concerned.
 */
import { randomBytes } from 'node:crypto';

export type FlavourName = 'openai' | 'azure';

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

export const flavourByName = (name: FlavourName): Flavour => (name === 'azure' ? AZURE : OPENAI);
