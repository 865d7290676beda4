/**
 * Pure parts of deploying a tuned model (Azure): which deployment types a model may use (the adapter's
 * `serving.deploymentTypes`), the words for each, a default deployment name, and how a deployment's state and
 * Developer expiry read in the tree. No `vscode` import, so unit tests run them in plain Node.
 */
import type { DeploymentType, Provider } from '../api/providers/types';
import { duration } from './status';

/** The deployment types the fine-tunes of `model` (a fine-tuned id, checkpoint id or base model) may use. */
export function deploymentTypesFor(provider: Provider, model: string, baseModel?: string): readonly DeploymentType[] {
  const serving = provider.capabilities.serving;
  if (serving.kind !== 'deployment') return [];
  const ids = new Set<string>();
  for (const m of [baseModel, model]) {
    if (!m) continue;
    ids.add(m);
    const t = provider.model(m);
    if (t) for (const id of [t.id, ...t.aliases, ...(t.catalogueId ? [t.catalogueId] : [])]) ids.add(id);
  }
  return serving.deploymentTypes.filter((d) => d.models.some((m) => ids.has(m)));
}

/** One line about a deployment type for the picker: "expires after 24 h, no hosting fee" for Developer. */
export function deploymentTypeDescription(t: DeploymentType): string {
  const parts: string[] = [];
  if (t.lifetimeHours) parts.push(`expires after ${t.lifetimeHours} h`);
  parts.push(t.hourlyHostingFee ? 'hourly hosting fee' : 'no hosting fee');
  if (!t.sla) parts.push('no SLA');
  return parts.join(', ');
}

/** ARM deployment names: 2–64 letters, digits, `-`, `_` or `.`, starting with a letter or digit. */
export const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

export function deploymentNameProblem(name: string): string | undefined {
  return DEPLOYMENT_NAME.test(name) ? undefined : 'Use 2 to 64 letters, digits, "-", "_" or ".", starting with a letter or digit.';
}

/**
 * A default deployment name from the model id: `gpt-4.1-mini-2025-04-14.ft-0123…cdef` → `gpt-4.1-mini-ft-cdef01`,
 * a checkpoint `ftchkpt-abc…` → `ftchkpt-…` shortened; always a valid ARM name.
 */
export function defaultDeploymentName(model: string, base?: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  const ft = /^(.*?)\.ft-([A-Za-z0-9]+)/.exec(model) ?? /^ft:([^:]+):(?:[^:]*:)*([A-Za-z0-9]+)$/.exec(model);
  let name: string;
  if (ft) {
    const family = (base ?? ft[1] ?? '').replace(/-\d{4}-\d{2}-\d{2}$/, '');
    name = `${clean(family)}-ft-${ft[2]!.slice(-6)}`;
  } else if (/^ftchkpt-/.test(model)) {
    name = `ckpt-${clean(model.slice('ftchkpt-'.length)).slice(-10)}`;
  } else {
    name = clean(model);
  }
  name = name.slice(0, 64);
  return DEPLOYMENT_NAME.test(name) ? name : `ft-${name}`.slice(0, 64);
}

/** A deployment as the tree shows it. */
export interface DeploymentView {
  readonly name: string;
  readonly state: string;
  readonly skuName: string;
  /** Unix ms. */
  readonly expiresAt?: number;
  readonly error?: string;
}

/** "Succeeded · Developer · expires in 23 h", "Creating · Standard", "Failed: …". */
export function deploymentDescription(d: DeploymentView, types: readonly DeploymentType[], nowMs: number): string {
  const label = types.find((t) => t.skuName.toLowerCase() === d.skuName.toLowerCase())?.label ?? d.skuName;
  const parts = [d.state, label];
  if (d.expiresAt !== undefined) {
    const left = (d.expiresAt - nowMs) / 1000;
    parts.push(left > 0 ? `expires in ${duration(left)}` : 'expired');
  }
  return parts.join(' · ');
}

/** The codicon and colour of a provisioning state. */
export function deploymentIcon(state: string): { readonly icon: string; readonly color?: string } {
  if (state === 'Succeeded') return { icon: 'cloud', color: 'testing.iconPassed' };
  if (state === 'Failed' || state === 'Canceled' || state === 'Disabled') return { icon: 'cloud', color: 'testing.iconFailed' };
  if (state === 'Deleting') return { icon: 'trash', color: 'charts.orange' };
  return { icon: 'sync~spin', color: 'charts.blue' };
}
