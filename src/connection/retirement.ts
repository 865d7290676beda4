/**
 * Retirement dates on the VS Code side (issue 18): the one clock the views count days left with (tests drive it),
 * and the dates of a model on a provider — Azure Resource Manager's model list where it was read (Azure, signed in),
 * else the adapter's catalogue (src/api/providers, whose dates are core's: src/core/retirement.ts). The jobs view,
 * the playground and the evaluation all read it, so they agree on the day and on the dates.
 */
import * as vscode from 'vscode';
import { providerFor, retirementMark, type ProviderId, type RetirementMark } from '../api/providers';
import type { Retirement } from '../api/providers/types';
import { parseModelId } from '../core/models';
import { parseModelRef } from '../api/modelRef';
import { Disposable } from '../common/dispose';
import type { RetirementBadge } from '../common/protocol/playground';

/** The one clock for days left: real time unless a test set it. */
export class RetirementClock extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private fixed: Date | undefined;

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date();
  }

  /** Tests: fix "now" (the views re-render); `undefined` goes back to real time. */
  set(now: Date | undefined): void {
    this.fixed = now ? new Date(now.getTime()) : undefined;
    this.changed.fire();
  }
}

/** A model's dates and where they came from. */
export interface ModelRetirement {
  readonly retirement: Retirement;
  /** `arm`: read from Azure Resource Manager's model list; `catalogue`: the adapter's table. */
  readonly origin: 'arm' | 'catalogue';
  /** The base model the dates are of (a fine-tune retires with its base). */
  readonly base: string;
}

/** What the views show next to a model: the dates, and the mark (days left to the nearest date) by the clock. */
export interface RetirementView extends ModelRetirement {
  readonly mark: RetirementMark;
}

/** The badge the pages (playground, evaluation) show next to a model, or null when no date is known. */
export function retirementBadge(view: RetirementView | undefined): RetirementBadge | null {
  if (!view || view.mark.level === 'none') return null;
  return { short: view.mark.short, long: view.mark.long, level: view.mark.level };
}

export class Retirements extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** The clock moved or ARM's dates arrived: views re-render their marks. */
  readonly onDidChange = this.changed.event;
  readonly clock = this._register(new RetirementClock());
  /** ARM's dates per base model name (lower case), per provider (only Azure has them). */
  private arm = new Map<string, Retirement>();

  constructor() {
    super();
    this._register(this.clock.onDidChange(() => this.changed.fire()));
  }

  /** Puts the dates read from Azure Resource Manager (model name → dates); they win over the catalogue. */
  setArmDates(dates: ReadonlyMap<string, Retirement>): void {
    this.arm = new Map([...dates].map(([k, v]) => [k.toLowerCase(), v]));
    this.changed.fire();
  }

  /** The dates of `model` (base, fine-tuned or checkpoint id) on `provider`, or undefined when none are known. */
  of(provider: ProviderId, model: string): ModelRetirement | undefined {
    const adapter = providerFor(provider);
    const base = parseModelId(model).base;
    const entry = adapter.model(model);
    if (provider === 'azure') {
      for (const name of [base, entry?.catalogueId, entry?.id, ...(entry?.aliases ?? [])]) {
        const r = name ? this.arm.get(name.toLowerCase()) : undefined;
        if (r) return { retirement: r, origin: 'arm', base };
      }
    }
    return entry?.retirement ? { retirement: entry.retirement, origin: 'catalogue', base: entry.label } : undefined;
  }

  /** The dates and days left now (by the clock). */
  view(provider: ProviderId, model: string): RetirementView | undefined {
    const r = this.of(provider, model);
    if (!r) return undefined;
    return { ...r, mark: retirementMark(r.retirement, this.clock.now()) };
  }

  /**
   * The view of a model as the playground and evaluation name it: `@provider/id` for another configured provider's
   * model (issue 16), else an id on `current`.
   */
  viewRef(ref: string, current: ProviderId): RetirementView | undefined {
    const r = parseModelRef(ref, current);
    return this.view(r.provider, r.model);
  }
}
