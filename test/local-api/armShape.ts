/**
 * Checks what the local ARM routes send against the official `@azure/arm-cognitiveservices` SDK's own model
 * mappers (`dist/commonjs/models/mappers.js`, the metadata the SDK deserialises responses with): every key must be a
 * property the SDK knows (`serializedName`), of the type it declares; required ones must be there. The mappers are
 * not in the package's export map, so they are loaded by path.
 */
import { dirname, join } from 'node:path';

interface MapperType {
  readonly name: string;
  readonly className?: string;
  readonly modelProperties?: Record<string, Mapper>;
  readonly value?: Mapper;
  readonly element?: Mapper;
  readonly allowedValues?: readonly unknown[];
}
interface Mapper {
  readonly serializedName?: string;
  readonly required?: boolean;
  readonly type: MapperType;
}

const pkg = require.resolve('@azure/arm-cognitiveservices/package.json');
const MAPPERS = require(join(dirname(pkg), 'dist', 'commonjs', 'models', 'mappers.js')) as Record<string, Mapper>;

function check(value: unknown, mapper: Mapper, path: string, out: string[]): void {
  const t = mapper.type;
  if (value === null || value === undefined) {
    if (mapper.required) out.push(`${path}: required`);
    return;
  }
  switch (t.name) {
    case 'String':
      if (typeof value !== 'string') out.push(`${path}: expected a string, got ${typeof value}`);
      return;
    case 'Number':
      if (typeof value !== 'number') out.push(`${path}: expected a number, got ${typeof value}`);
      return;
    case 'Boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected a boolean`);
      return;
    case 'DateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) out.push(`${path}: expected an ISO date-time`);
      return;
    case 'Enum':
      if (t.allowedValues && !t.allowedValues.includes(value)) out.push(`${path}: ${String(value)} not in ${t.allowedValues.join(', ')}`);
      return;
    case 'Dictionary':
      if (typeof value !== 'object' || Array.isArray(value)) out.push(`${path}: expected an object`);
      else for (const [k, v] of Object.entries(value)) if (t.value) check(v, t.value, `${path}.${k}`, out);
      return;
    case 'Sequence':
      if (!Array.isArray(value)) out.push(`${path}: expected an array`);
      else value.forEach((v, i) => t.element && check(v, t.element, `${path}[${i}]`, out));
      return;
    case 'Composite': {
      const m = t.modelProperties ? mapper : t.className ? MAPPERS[t.className] : undefined;
      const props = m?.type.modelProperties;
      if (!props) {
        out.push(`${path}: no mapper for ${t.className}`);
        return;
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected an object`);
        return;
      }
      const known = new Map(Object.values(props).map((p) => [p.serializedName, p]));
      for (const [k, v] of Object.entries(value)) {
        const p = known.get(k);
        if (!p) out.push(`${path}.${k}: not a property of ${t.className} in the SDK`);
        else check(v, p, `${path}.${k}`, out);
      }
      for (const p of Object.values(props)) if (p.required && p.serializedName && !(p.serializedName in value)) out.push(`${path}.${p.serializedName}: required`);
      return;
    }
    default:
      return;
  }
}

/** Problems of `value` as an instance of the SDK model `className` (`Deployment`, `DeploymentListResult`, `ErrorResponse`). */
export function armShapeProblems(value: unknown, className: string): string[] {
  const mapper = MAPPERS[className];
  if (!mapper) return [`no SDK mapper ${className}`];
  const out: string[] = [];
  check(value, mapper, className, out);
  return out;
}
