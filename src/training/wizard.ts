/**
 * The multi-step quick pick of `tuneline.startTraining`: training file → validation file → base model → method →
 * grader (reinforcement only) → hyperparameters → suffix → seed → summary. Every step has a Back button
 * (`QuickInputButtons.Back`); the summary shows the estimated cost and sends nothing until "Start training".
 */
import * as vscode from 'vscode';
import { checkGrader, MODELS, parseModelId, resolveModel } from '../core';
import { CancelledError } from '../common/commands';
import type { Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import { checkHyperparameter, narrowed, type HyperparameterSpec, type Provider, type TrainingOption, type TunableModel } from '../api/providers';
import type { TunelineClient } from '../api/types';
import { hyperparametersFor, HYPERPARAMETER_RANGES, parseHyperparameter, TRAINING_METHODS, type Hyperparameters, type TrainingMethod } from './plan';
import { adapterOf, fileLabel, readGrader, type CostSummary, type Draft, type FileChoice } from './training';

const BACK = Symbol('back');
type Back = typeof BACK;

export const STEPS = ['training', 'validation', 'model', 'method', 'grader', 'options', 'hyperparameters', 'suffix', 'seed', 'summary'] as const;
export type StepName = (typeof STEPS)[number];

export interface WizardDeps {
  readonly client: TunelineClient;
  readonly log: Logger;
  readonly estimate: (draft: Draft) => Promise<CostSummary>;
  /** Called when a quick input is shown (tests). */
  readonly onStep?: (step: StepName) => void;
}

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

const TITLE = 'Tuneline: Start Fine-Tuning';

/** Shows one quick pick; resolves with the chosen item, or BACK; rejects with CancelledError on Escape. */
function pick<T>(
  step: number,
  total: number,
  placeholder: string,
  items: Item<T>[] | Promise<Item<T>[]>,
  options: { active?: (i: Item<T>) => boolean; title?: string; onShow?: () => void } = {},
): Promise<Item<T> | Back> {
  const qp = vscode.window.createQuickPick<Item<T>>();
  qp.title = options.title ?? TITLE;
  qp.step = step;
  qp.totalSteps = total;
  qp.placeholder = placeholder;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.buttons = step > 1 ? [vscode.QuickInputButtons.Back] : [];
  const fill = (list: Item<T>[]) => {
    qp.items = list;
    const active = options.active ? list.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && options.active!(i)) : undefined;
    if (active) qp.activeItems = [active];
  };
  return new Promise<Item<T> | Back>((resolve, reject) => {
    const { finish, subs } = settleOnce(qp, resolve, reject);
    subs.push(
      qp.onDidAccept(() => {
        const [sel] = qp.selectedItems;
        if (sel) finish(() => resolve(sel));
      }),
    );
    if (Array.isArray(items)) fill(items);
    else {
      qp.busy = true;
      items.then(
        (list) => {
          qp.busy = false;
          fill(list);
        },
        (e: unknown) => {
          qp.busy = false;
          qp.items = [{ label: `$(warning) ${e instanceof Error ? e.message : String(e)}` }];
        },
      );
    }
    qp.show();
    options.onShow?.();
  });
}

/**
 * Settles a step once: Back resolves `BACK`, hiding (Escape) rejects with `CancelledError`. `finish` runs its callback
 * only for the first outcome, then disposes the step's listeners (`subs`, where the caller adds its own) and the step.
 */
function settleOnce<R>(
  ui: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
  resolve: (v: R | Back) => void,
  reject: (e: Error) => void,
): { finish(f: () => void): void; subs: vscode.Disposable[] } {
  const subs: vscode.Disposable[] = [];
  let done = false;
  const finish = (f: () => void): void => {
    if (done) return;
    done = true;
    f();
    subs.forEach((d) => d.dispose());
    ui.dispose();
  };
  subs.push(
    ui.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(() => resolve(BACK));
    }),
    ui.onDidHide(() => finish(() => reject(new CancelledError()))),
  );
  return { finish, subs };
}

/** Shows one input box; resolves with the value, or BACK. */
function input(step: number, total: number, prompt: string, value: string, validate: (v: string) => string | undefined, title = TITLE): Promise<string | Back> {
  const box = vscode.window.createInputBox();
  box.title = title;
  box.step = step;
  box.totalSteps = total;
  box.prompt = prompt;
  box.value = value;
  box.ignoreFocusOut = true;
  box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<string | Back>((resolve, reject) => {
    const { finish, subs } = settleOnce(box, resolve, reject);
    subs.push(
      box.onDidChangeValue((v) => (box.validationMessage = validate(v))),
      box.onDidAccept(() => {
        const msg = validate(box.value);
        if (msg) box.validationMessage = msg;
        else finish(() => resolve(box.value));
      }),
    );
    box.show();
  });
}

async function workspaceFiles(glob: string, max = 200): Promise<vscode.Uri[]> {
  const uris = await vscode.workspace.findFiles(glob, '**/{node_modules,.git}/**', max);
  return uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

function fileItems(client: TunelineClient, includeNone: boolean, current?: FileChoice | null): Promise<Item<FileChoice | null>[]> {
  return (async () => {
    const items: Item<FileChoice | null>[] = [];
    if (includeNone) items.push({ label: '$(circle-slash) No validation file', value: null, picked: current === null });
    const active = vscode.window.activeTextEditor?.document;
    const isJsonl = (u: vscode.Uri) => /\.(jsonl|ndjson)$/i.test(u.path);
    if (active && active.uri.scheme === 'file' && isJsonl(active.uri)) {
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(file) ${vscode.workspace.asRelativePath(active.uri)}`, description: 'current editor', value: { kind: 'local', uri: active.uri } });
    }
    const local = (await workspaceFiles('**/*.{jsonl,ndjson}')).filter((u) => u.toString() !== active?.uri.toString());
    if (local.length) {
      items.push({ label: 'Workspace files', kind: vscode.QuickPickItemKind.Separator });
      for (const u of local) items.push({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, value: { kind: 'local', uri: u } });
    }
    try {
      const remote = await client.listFiles({ purpose: 'fine-tune', order: 'desc', limit: 50 });
      if (remote.data.length) {
        items.push({ label: 'Already uploaded', kind: vscode.QuickPickItemKind.Separator });
        for (const f of remote.data) {
          items.push({
            label: `$(cloud) ${f.filename}`,
            description: f.id,
            detail: `${f.bytes.toLocaleString('en-US')} bytes, uploaded ${new Date(f.created_at * 1000).toLocaleString()}`,
            value: { kind: 'remote', file: f },
          });
        }
      }
    } catch (e) {
      items.push({ label: `$(warning) Could not list uploaded files: ${e instanceof Error ? e.message : String(e)}` });
    }
    return items;
  })();
}

/** Whether a catalogue or account model id is the `tuneline.model` setting (an alias matches its snapshot). */
function isSettingModel(id: string | undefined): boolean {
  const wanted = readSettings().model;
  return id !== undefined && (id === wanted || (!parseModelId(wanted).fineTuned && id === resolveModel(wanted).id));
}

function modelItems(client: TunelineClient, log: Logger): Promise<Item<string>[]> {
  return (async () => {
    const items: Item<string>[] = [{ label: 'Catalogue', kind: vscode.QuickPickItemKind.Separator }];
    for (const m of MODELS) {
      if (m.legacy || m.deprecated || !m.methods.some((x) => (TRAINING_METHODS as readonly string[]).includes(x))) continue;
      const price = m.trainingPrice ? (m.trainingPrice.unit === 'per-hour' ? `$${m.trainingPrice.usd}/hour` : `$${m.trainingPrice.usd}/1M tokens`) : 'no price listed';
      items.push({ label: m.id, description: `${m.methods.join(', ')} · ${price}`, value: m.id });
    }
    try {
      const mine = (await client.listModels()).filter((m) => parseModelId(m.id).fineTuned).sort((a, b) => b.created - a.created);
      if (mine.length) {
        items.push({ label: 'Your fine-tuned models (continue training)', kind: vscode.QuickPickItemKind.Separator });
        for (const m of mine) items.push({ label: m.id, description: `base ${resolveModel(m.id).id}`, value: m.id });
      }
    } catch (e) {
      log.warn(`Could not list the account's models: ${e instanceof Error ? e.message : String(e)}`);
      items.push({ label: "$(warning) Could not list your account's models", description: e instanceof Error ? e.message : String(e) });
    }
    return items;
  })();
}

/** OpenAI and custom endpoints list the catalogue (as before); every other provider lists what its adapter tunes. */
function usesAdapterModels(client: TunelineClient): boolean {
  return client.endpoint.provider !== 'openai' && client.endpoint.provider !== 'custom';
}

/** The models a provider can tune: `provider.tunableModels(listed)` from the service's own list, else its table. */
function adapterModelItems(client: TunelineClient, provider: Provider, log: Logger): Promise<Item<string>[]> {
  return (async () => {
    let listed: Awaited<ReturnType<TunelineClient['listModels']>> = [];
    try {
      listed = await client.listModels();
    } catch (e) {
      log.warn(`Could not list the service's models: ${e instanceof Error ? e.message : String(e)}`);
    }
    const items: Item<string>[] = [{ label: `${provider.label}: models it fine-tunes`, kind: vscode.QuickPickItemKind.Separator }];
    const listedForAdapter = listed.map((m) => ({ id: m.id, ...((m as { capabilities?: { fine_tune?: boolean } }).capabilities ? { capabilities: (m as { capabilities?: { fine_tune?: boolean } }).capabilities! } : {}) }));
    for (const m of provider.tunableModels(listedForAdapter.length ? listedForAdapter : undefined)) {
      const tags = [m.methods.join(', '), m.openWeights ? 'open weights' : '', m.preview ? 'preview' : ''].filter(Boolean).join(' · ');
      items.push({ label: m.id, description: tags, ...(m.aliases.length ? { detail: `also ${m.aliases.join(', ')}` } : {}), value: m.id });
    }
    const mine = listed.filter((m) => parseModelId(m.id).fineTuned || /\.ft-[0-9a-f]{32}/i.test(m.id));
    if (mine.length) {
      items.push({ label: 'Your fine-tuned models (continue training)', kind: vscode.QuickPickItemKind.Separator });
      for (const m of mine) items.push({ label: m.id, value: m.id });
    }
    return items;
  })();
}

/** One training option's choices for a model: allowed ones to pick, the others with the reason they are not. */
function optionChoices(option: TrainingOption, model: TunableModel | undefined, provider: Provider): { allowed: TrainingOption['choices'][number][]; disabled: { choice: TrainingOption['choices'][number]; reason: string }[] } {
  const forModel: readonly string[] | undefined = option.id === 'trainingType' ? model?.trainingTypes : model?.adapters;
  const allowed: TrainingOption['choices'][number][] = [];
  const disabled: { choice: TrainingOption['choices'][number]; reason: string }[] = [];
  for (const c of option.choices) {
    if (!c.support.supported) disabled.push({ choice: c, reason: c.support.reason });
    else if (forModel && !forModel.includes(c.id)) disabled.push({ choice: c, reason: `${provider.label} does not train ${model?.label ?? 'this model'} with ${c.label} ${option.label.toLowerCase()}.` });
    else allowed.push(c);
  }
  return { allowed, disabled };
}

/**
 * The training options to ask about for the draft's model; an option with one allowed choice is set without asking
 * (an open model on Azure: Global), with the reason kept for the summary.
 */
export function optionsToAsk(draft: Draft, provider: Provider): TrainingOption[] {
  const model = draft.model ? provider.model(draft.model) : undefined;
  const ask: TrainingOption[] = [];
  for (const option of provider.capabilities.trainingOptions) {
    const { allowed } = optionChoices(option, model, provider);
    if (allowed.length === 1) {
      const only = allowed[0]!;
      draft.options = { ...draft.options, [option.id]: only.id };
      draft.optionNotes = {
        ...draft.optionNotes,
        [option.id]: `${only.label}, without asking: ${provider.label} trains ${model?.label ?? draft.model ?? 'this model'} with ${only.label} ${option.label.toLowerCase()} only${model?.openWeights ? ' (an open-weight model)' : ''}.`,
      };
    } else if (allowed.length > 1) {
      if (draft.optionNotes) delete draft.optionNotes[option.id];
      ask.push(option);
    }
  }
  return ask;
}

function optionsText(draft: Draft, provider: Provider): string {
  const parts = provider.capabilities.trainingOptions.map((o) => {
    const id = draft.options?.[o.id] ?? o.defaultChoice;
    return `${o.label}: ${o.choices.find((c) => c.id === id)?.label ?? id}`;
  });
  return parts.join(' · ');
}

/** The hyperparameters of `method` on `model` with their ranges, from `provider.methodsFor(model)` (narrowed per model). */
function hyperparameterSpecs(provider: Provider, model: string, method: TrainingMethod): HyperparameterSpec[] | undefined {
  const cap = provider.methodsFor(model).find((m) => m.method === method);
  if (!cap) return undefined;
  const limits = provider.model(model)?.hyperparameterLimits;
  return cap.hyperparameters.map((h) => (limits?.[h.name] ? narrowed(h, limits[h.name]!) : h));
}

/** A spec's range in words: `"auto" or an integer from 1 to 50 (recommended 0.02–0.2)`. */
export function specText(spec: HyperparameterSpec): string {
  const auto = spec.auto ? '"auto" or ' : '';
  if (spec.kind === 'enum') return `${auto}one of ${(spec.values ?? []).join(', ')}`;
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  const from = spec.min === undefined ? '' : spec.exclusiveMin ? ` above ${spec.min}` : ` from ${spec.min}`;
  const to = spec.max === undefined ? '' : spec.min === undefined || spec.exclusiveMin ? `, at most ${spec.max}` : ` to ${spec.max}`;
  const rec = spec.recommended ? ` (recommended ${spec.recommended.min}–${spec.recommended.max})` : '';
  return `${auto}${what}${from}${to}${rec}`;
}

/** A typed value against a spec: '' / 'auto' → 'auto' (when allowed), else the number or enum value, or the problem. */
export function parseSpecValue(spec: HyperparameterSpec, raw: string): { value: number | string } | { error: string } {
  const text = raw.trim();
  const value: number | string = text === '' ? 'auto' : text === 'auto' || spec.kind === 'enum' ? text : Number(text);
  const problem = checkHyperparameter(spec, value);
  return problem ? { error: problem } : { value };
}

/** The hyperparameters step for a provider adapter: its names and ranges; resolves 'continue', BACK, or 'stay'. */
async function adapterHyperparameters(step: number, total: number, draft: Draft, specs: HyperparameterSpec[]): Promise<'continue' | 'stay' | Back> {
  const values = draft.hyperparameters as Record<string, number | string | undefined>;
  type Choice = 'continue' | 'auto' | string;
  const items: Item<Choice>[] = [
    { label: '$(check) Continue', description: hpText(draft.hyperparameters), value: 'continue' },
    { label: '$(sparkle) All defaults', description: 'let the service choose', value: 'auto' },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...specs.map((h) => ({
      label: h.name,
      description: `${h.label}: ${String(values[h.name] ?? (h.auto ? 'auto' : (h.default ?? 'default')))}`,
      detail: specText(h),
      value: h.name as Choice,
    })),
  ];
  const r = await pick(step, total, 'Hyperparameters: Continue, or pick one to set it', items);
  if (r === BACK) return BACK;
  if (r.value === 'continue') return 'continue';
  if (r.value === 'auto') {
    draft.hyperparameters = {};
    return 'stay';
  }
  const spec = specs.find((h) => h.name === r.value);
  if (!spec) return 'stay';
  const v = await input(step, total, `${spec.name} (${spec.label}): ${specText(spec)}`, String(values[spec.name] ?? (spec.auto ? 'auto' : '')), (s) => {
    const p = parseSpecValue(spec, s);
    return 'error' in p ? p.error : undefined;
  });
  if (v !== BACK) {
    const p = parseSpecValue(spec, v);
    if ('value' in p) values[spec.name] = p.value === 'auto' ? undefined : p.value;
  }
  return 'stay';
}

function hpText(h: Hyperparameters): string {
  const set = Object.entries(h).filter(([, v]) => v !== undefined && v !== 'auto');
  return set.length ? set.map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'auto';
}

/**
 * Runs the wizard from `start` (the summary, when the arguments already hold everything) and resolves with the
 * confirmed draft; rejects with CancelledError when the user leaves.
 */
export async function runWizard(draft: Draft, deps: WizardDeps, start: StepName = 'training'): Promise<Draft> {
  const history: StepName[] = [];
  let step: StepName = start;
  const provider = adapterOf(deps.client);
  // Asked from the arguments (`confirm: 'options'`): the options, then the summary.
  const afterOptions: StepName = start === 'options' ? 'summary' : 'hyperparameters';
  const afterMethod = (): StepName => (optionsToAsk(draft, provider).length ? 'options' : 'hyperparameters');
  if (start === 'options' && optionsToAsk(draft, provider).length === 0) step = 'summary';
  const total = STEPS.length;
  const n = (s: StepName) => STEPS.indexOf(s) + 1;
  const go = (next: StepName) => {
    history.push(step);
    step = next;
  };
  const back = () => {
    step = history.pop() ?? step;
  };
  for (;;) {
    deps.onStep?.(step);
    switch (step) {
      case 'training': {
        const r = await pick(n(step), total, 'Training file: the current editor, a workspace file, or one already uploaded', fileItems(deps.client, false, draft.training));
        if (r === BACK) back();
        else if (r.value) {
          draft.training = r.value;
          go('validation');
        }
        break;
      }
      case 'validation': {
        const r = await pick(n(step), total, 'Validation file (optional)', fileItems(deps.client, true, draft.validation), { active: (i) => i.value === null });
        if (r === BACK) back();
        else if (r.value !== undefined) {
          draft.validation = r.value;
          go('model');
        }
        break;
      }
      case 'model': {
        const r = await pick(n(step), total, 'Base model (or one of your fine-tuned models, to continue training)', usesAdapterModels(deps.client) ? adapterModelItems(deps.client, provider, deps.log) : modelItems(deps.client, deps.log), {
          // Starts on the model chosen so far, else the one the Dataset view prices (`tuneline.model`).
          active: (i) => (draft.model !== undefined ? i.value === draft.model : isSettingModel(i.value)),
        });
        if (r === BACK) back();
        else if (r.value) {
          draft.model = r.value;
          go('method');
        }
        break;
      }
      case 'method': {
        const adapterMethods = usesAdapterModels(deps.client) ? provider.methodsFor(draft.model ?? '') : undefined;
        const supported: readonly string[] = adapterMethods ? adapterMethods.map((m) => m.method) : resolveModel(draft.model).info.methods;
        const labels: Record<TrainingMethod, string> = { supervised: 'Supervised (SFT)', dpo: 'Direct preference optimisation (DPO)', reinforcement: 'Reinforcement (RFT, with a grader)' };
        const items: Item<TrainingMethod>[] = TRAINING_METHODS.filter((m) => supported.includes(m)).map((m) => ({ label: labels[m], description: m, value: m }));
        const offNames = TRAINING_METHODS.filter((m) => !supported.includes(m));
        if (offNames.length) {
          // Shown, not offered: picking one does nothing (the step stays), so the reason is never an error afterwards.
          items.push({ label: 'Not available for this model', kind: vscode.QuickPickItemKind.Separator });
          for (const m of offNames) items.push({ label: `$(circle-slash) ${labels[m]}`, description: 'not available', detail: `${provider.label} does not train ${draft.model ?? 'this model'} with ${m}.` });
        }
        const modelName = adapterMethods ? (provider.model(draft.model ?? '')?.label ?? draft.model ?? '') : resolveModel(draft.model).id;
        const r = await pick(n(step), total, `Method (${modelName} supports ${supported.join(', ') || 'no method here'})`, items, { active: (i) => i.value === draft.method });
        if (r === BACK) back();
        else if (r.value) {
          if (draft.method !== r.value) draft.hyperparameters = {};
          draft.method = r.value;
          go(r.value === 'reinforcement' ? 'grader' : afterMethod());
        }
        break;
      }
      case 'grader': {
        const files = await workspaceFiles('**/*.json', 100);
        const items: Item<vscode.Uri>[] = files.filter((u) => !u.path.includes('/.vscode/')).map((u) => ({ label: `$(json) ${vscode.workspace.asRelativePath(u)}`, value: u }));
        const r = await pick(n(step), total, 'Grader: a JSON file holding the grader object (checked against the GRD rules)', items);
        if (r === BACK) back();
        else if (r.value) {
          const g = await readGrader(r.value).catch((e: unknown) => e as Error);
          if (g instanceof Error) {
            void vscode.window.showErrorMessage(g.message);
            break;
          }
          const errors = checkGrader(g.grader).filter((p) => p.severity === 'error');
          if (errors.length) {
            void vscode.window.showErrorMessage(`${g.name}: ${errors.slice(0, 3).map((p) => p.message).join(' ')}`);
            break;
          }
          draft.grader = g.grader;
          draft.graderName = g.name;
          go(afterMethod());
        }
        break;
      }
      case 'options': {
        const model = draft.model ? provider.model(draft.model) : undefined;
        const ask = optionsToAsk(draft, provider);
        const option = ask.find((o) => draft.options?.[o.id] === undefined) ?? ask[0];
        if (!option) {
          step = afterOptions;
          break;
        }
        const { allowed, disabled } = optionChoices(option, model, provider);
        const current = draft.options?.[option.id] ?? option.defaultChoice;
        const items: Item<string>[] = allowed.map((c) => ({
          label: c.label,
          description: `${c.apiValue ? `${option.field}: ${c.apiValue}` : ''}${c.id === option.defaultChoice ? ' · the default' : ''}`.replace(/^ · /, ''),
          detail: c.description,
          value: c.id,
        }));
        if (disabled.length) {
          items.push({ label: 'Not available', kind: vscode.QuickPickItemKind.Separator });
          for (const d of disabled) items.push({ label: `$(circle-slash) ${d.choice.label}`, description: 'not available', detail: d.reason });
        }
        const r = await pick(n(step), total, `${option.label} for ${model?.label ?? draft.model ?? 'the model'} on ${provider.label}`, items, {
          title: `${TITLE}: ${option.label.toLowerCase()}`,
          active: (i) => i.value === current,
        });
        if (r === BACK) back();
        else if (r.value) {
          draft.options = { ...draft.options, [option.id]: r.value };
          const rest = ask.filter((o) => o.id !== option.id && draft.options?.[o.id] === undefined);
          if (!rest.length) go(history.includes('summary') ? 'summary' : afterOptions);
        }
        break;
      }
      case 'hyperparameters': {
        const method = draft.method ?? 'supervised';
        const specs = usesAdapterModels(deps.client) ? hyperparameterSpecs(provider, draft.model ?? '', method) : undefined;
        if (specs) {
          const r = await adapterHyperparameters(n(step), total, draft, specs);
          if (r === BACK) back();
          else if (r === 'continue') go('suffix');
          break;
        }
        const names = hyperparametersFor(method);
        type Choice = 'continue' | 'auto' | keyof Hyperparameters;
        const items: Item<Choice>[] = [
          { label: '$(check) Continue', description: hpText(draft.hyperparameters), value: 'continue' },
          { label: '$(sparkle) All auto', description: 'let the service choose', value: 'auto' },
          { label: '', kind: vscode.QuickPickItemKind.Separator },
          ...names.map((k) => ({
            label: k,
            description: String(draft.hyperparameters[k] ?? (k === 'reasoning_effort' ? 'default' : 'auto')),
            detail: k === 'reasoning_effort' ? 'default, low, medium or high' : `"auto" or ${HYPERPARAMETER_RANGES[k].text}`,
            value: k as Choice,
          })),
        ];
        const r = await pick(n(step), total, 'Hyperparameters: Continue, or pick one to set it', items);
        if (r === BACK) back();
        else if (r.value === 'continue') go('suffix');
        else if (r.value === 'auto') draft.hyperparameters = {};
        else if (r.value) {
          const name = r.value;
          const v = await input(n(step), total, `${name}: "auto" or ${name === 'reasoning_effort' ? 'default, low, medium, high' : HYPERPARAMETER_RANGES[name].text}`, String(draft.hyperparameters[name] ?? 'auto'), (s) => {
            const p = parseHyperparameter(name, s);
            return 'error' in p ? p.error : undefined;
          });
          if (v !== BACK) {
            const p = parseHyperparameter(name, v);
            if ('value' in p) (draft.hyperparameters as Record<string, unknown>)[name] = p.value === 'auto' ? undefined : p.value;
          }
        }
        break;
      }
      case 'suffix': {
        const v = await input(n(step), total, 'Suffix for the model name (optional; up to 64 letters, digits, "-" or "_")', draft.suffix ?? '', (s) =>
          s === '' || /^[A-Za-z0-9_-]{1,64}$/.test(s) ? undefined : 'Up to 64 letters, digits, "-" or "_".',
        );
        if (v === BACK) back();
        else {
          draft.suffix = v || undefined;
          go('seed');
        }
        break;
      }
      case 'seed': {
        const v = await input(n(step), total, 'Seed (optional; an integer from 0 to 2147483647, for reproducible runs)', draft.seed === undefined ? '' : String(draft.seed), (s) =>
          s.trim() === '' || (/^\d+$/.test(s.trim()) && Number(s) <= 2_147_483_647) ? undefined : 'An integer from 0 to 2147483647, or empty.',
        );
        if (v === BACK) back();
        else {
          draft.seed = v.trim() === '' ? undefined : Number(v);
          go('summary');
        }
        break;
      }
      case 'summary': {
        type S = 'start' | StepName;
        optionsToAsk(draft, provider); // sets (and explains) the options a model allows one choice of
        const cost = deps.estimate(draft);
        const items = cost.then((c): Item<S>[] => [
          { label: '$(rocket) Start training', description: `on ${deps.client.endpoint.provider === 'azure' ? 'Azure OpenAI' : usesAdapterModels(deps.client) ? provider.label : new URL(deps.client.endpoint.origin).host}`, detail: `Estimated cost: ${c.short ?? c.text}`, value: 'start' },
          { label: '', kind: vscode.QuickPickItemKind.Separator },
          { label: '$(file) Training file', description: fileLabel(draft.training), value: 'training' },
          { label: '$(file) Validation file', description: fileLabel(draft.validation), value: 'validation' },
          { label: '$(symbol-class) Base model', description: draft.model ?? '', value: 'model' },
          { label: '$(beaker) Method', description: `${draft.method ?? 'supervised'}${draft.graderName ? ` · grader ${draft.graderName}` : ''}`, value: 'method' },
          ...(provider.capabilities.trainingOptions.length
            ? [
                {
                  label: '$(server-environment) Training options',
                  description: optionsText(draft, provider),
                  ...(draft.optionNotes && Object.keys(draft.optionNotes).length ? { detail: Object.values(draft.optionNotes).join(' ') } : {}),
                  value: 'options' as S,
                },
              ]
            : []),
          { label: '$(settings) Hyperparameters', description: hpText(draft.hyperparameters), value: 'hyperparameters' },
          { label: '$(tag) Suffix', description: draft.suffix ?? 'none', value: 'suffix' },
          { label: '$(symbol-number) Seed', description: draft.seed === undefined ? 'random' : String(draft.seed), value: 'seed' },
          { label: '$(credit-card) Estimated cost', description: c.short ?? '', detail: c.text, value: 'start' },
        ]);
        const r = await pick<S>(n(step), total, 'Check the job, then Start training (pick a line to change it)', items, {
          title: `${TITLE}: summary`,
          active: (i) => i.value === 'start',
        });
        if (r === BACK) back();
        else if (r.value === 'start') return draft;
        else if (r.value) go(r.value);
        break;
      }
    }
  }
}
