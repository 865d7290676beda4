/**
 * Runs the local OpenAI-shaped API on its own:
 *   tsx tools/local-api/main.ts [--port N] [--flavour openai|azure] [--key K] [--speed demo|manual] [--quiet]
 */
import { DEFAULT_KEY, startLocalApi } from './index';
import { FLAVOUR_NAMES, type FlavourName } from './flavours';
import { PROVIDER_NAMES, startProviderDemo, type ProviderName } from './providers';

interface Args {
  port: number;
  flavour: FlavourName;
  key: string;
  speed: 'demo' | 'manual';
  quiet: boolean;
  /** `--provider NAME`: start the local server of that Tuneline provider (providers.ts) and print its demo settings. */
  provider?: ProviderName;
}

function usage(): string {
  return [
    'Usage: local-api [--port N] [--flavour openai|azure] [--key K] [--speed demo|manual] [--quiet]',
    '  --port N        port on 127.0.0.1 (default 0: a free port)',
    '  --flavour F     openai (/v1, Authorization: Bearer) or azure (/openai/v1, api-key header); default openai',
    `  --key K         the API key the server accepts (default ${DEFAULT_KEY})`,
    `  --provider P    ${PROVIDER_NAMES.join(' | ')}: that provider's local server; prints a TUNELINE_DEMO line (settings, key variable)`,
    '  --speed S       demo: the clock runs by itself (a job takes about a minute); manual: only',
    '                  POST /__admin/clock/advance moves it. Default demo',
    '  --quiet         do not print one line per request',
  ].join('\n');
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 0, flavour: 'openai', key: DEFAULT_KEY, speed: 'demo', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port needs an integer 0..65535');
        args.port = p;
        break;
      }
      case '--flavour':
      case '--flavor': {
        const f = value();
        if (!(FLAVOUR_NAMES as readonly string[]).includes(f)) throw new Error(`--flavour is one of ${FLAVOUR_NAMES.join(', ')}`);
        args.flavour = f as FlavourName;
        break;
      }
      case '--provider': {
        const p = value();
        if (!(PROVIDER_NAMES as readonly string[]).includes(p)) throw new Error(`--provider is one of ${PROVIDER_NAMES.join(', ')}`);
        args.provider = p as ProviderName;
        break;
      }
      case '--key':
        args.key = value();
        break;
      case '--speed': {
        const s = value();
        if (s !== 'demo' && s !== 'manual') throw new Error('--speed is demo or manual');
        args.speed = s;
        break;
      }
      case '--quiet':
        args.quiet = true;
        break;
      case '--help':
      case '-h':
        console.log(usage());
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument: ${a}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage()}`);
    process.exit(2);
  }
  if (args.provider) {
    const demo = await startProviderDemo(args.provider, { port: args.port, speed: args.speed, ...(args.key !== DEFAULT_KEY ? { key: args.key } : {}) });
    console.log(`Local ${args.provider} API listening on ${demo.baseURL}`);
    console.log(`API key: ${demo.key}  (${demo.keyEnvVar})`);
    console.log(`TUNELINE_DEMO ${JSON.stringify({ provider: demo.provider, settings: demo.settings, keyEnvVar: demo.keyEnvVar, key: demo.key })}`);
    const stopDemo = (): void => {
      void demo.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stopDemo);
    process.on('SIGTERM', stopDemo);
    return;
  }
  const api = await startLocalApi({
    port: args.port,
    flavour: args.flavour,
    key: args.key,
    speed: args.speed,
    ...(args.quiet
      ? {}
      : {
          onResponse: (r) =>
            console.log(`${new Date().toISOString()} ${r.method} ${r.path} → ${r.status}${r.complete ? '' : ' (dropped)'}`),
        }),
  });
  console.log(`Local OpenAI-shaped API (${api.flavour} flavour) listening on ${api.baseURL}`);
  console.log(`API key: ${api.key}${api.flavour === 'azure' ? '  (send it as the api-key header, or Authorization: Bearer)' : ''}`);
  console.log(`Clock: ${args.speed === 'demo' ? 'demo (runs by itself; a small job finishes in about a minute)' : 'manual (POST /__admin/clock/advance)'}`);
  if (api.arm) {
    console.log(`ARM (deployments): ${api.arm.endpoint}/subscriptions/${api.arm.subscriptionId}/resourceGroups/${api.arm.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${api.arm.account}/deployments  (Authorization: Bearer ${api.arm.token})`);
  }
  console.log(`Admin: ${api.url}/__admin  (faults, clock, requests, reset${api.flavour === 'azure' ? ', deployments' : ''})`);
  const stop = (): void => {
    void api.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
