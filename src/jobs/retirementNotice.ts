/**
 * The one-time notice for users with OpenAI fine-tunes (issue 18): the first time the account's fine-tuned models are
 * listed on OpenAI and some of them have a retirement date ahead, Tuneline says once what stops on which date, and
 * offers the two commands that save the work — keep a baseline of a model's replies, move the fine-tune to another
 * service — and the walkthrough step that explains it. Shown once per VS Code profile (global state), never again.
 */
import * as vscode from 'vscode';
import type { Notifier } from '../connection/notify';
import type { Retirements } from '../connection/retirement';
import { OPENAI_DATES } from '../core/retirement';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import type { FineTunedModels } from './fineTunedModel';
import type { ProviderId } from '../api/providers/types';

export const RETIREMENT_NOTICE_KEY = 'tuneline.retirementNotice.shown';
/** The walkthrough step the notice opens (package.json `contributes.walkthroughs`). */
export const RETIREMENT_STEP = { category: 'tuneline.tuneline#gettingStarted', step: 'tuneline.tuneline#gettingStarted#retirement' } as const;

const KEEP = 'Keep a Baseline…';
const MOVE = 'Move a Fine-Tune…';
const WHEN = 'What Happens When';

export class RetirementNotice extends Disposable {
  private busy = false;

  constructor(
    private readonly models: FineTunedModels,
    private readonly retirements: Retirements,
    private readonly providerId: () => ProviderId,
    private readonly state: vscode.Memento,
    private readonly notify: Notifier,
    private readonly log: Logger,
  ) {
    super();
    this._register(models.onDidChange(() => void this.maybeShow()));
  }

  /** Tests: forget that the notice was shown. */
  async forget(): Promise<void> {
    await this.state.update(RETIREMENT_NOTICE_KEY, undefined);
  }

  /** Tests: take it as shown (the suites that do not test it get no toast over what they look at). */
  async markShown(): Promise<void> {
    await this.state.update(RETIREMENT_NOTICE_KEY, true);
  }

  /** The notice's text for the listed models, or undefined when none of them retires ahead of now. */
  message(): { text: string; count: number } | undefined {
    if (this.providerId() !== 'openai' || this.models.state.kind !== 'ready') return undefined;
    const now = this.retirements.clock.now();
    let count = 0;
    let serving: string | undefined;
    for (const m of this.models.models) {
      const view = this.retirements.view('openai', m.id);
      if (!view || view.mark.level === 'none' || view.mark.level === 'past') continue;
      count++;
      const s = view.retirement.serving;
      if (s && Date.parse(s) > now.getTime() && (!serving || s < serving)) serving = s;
    }
    if (!count) return undefined;
    const jobs = Date.parse(OPENAI_DATES.noNewJobs) > now.getTime() ? `OpenAI takes no new fine-tuning jobs from ${OPENAI_DATES.noNewJobs}` : `OpenAI takes no new fine-tuning jobs since ${OPENAI_DATES.noNewJobs}`;
    const models = count === 1 ? 'one of your fine-tuned models' : `${count} of your fine-tuned models`;
    const stop = serving ? `, and ${models} stop${count === 1 ? 's' : ''} answering from ${serving}` : ` (${models} affected)`;
    return {
      count,
      text: `${jobs}${stop}. Keep a baseline of their replies now, then move them to another service (Azure AI Foundry or an open model) and compare.`,
    };
  }

  private async maybeShow(): Promise<void> {
    if (this.busy || this.isDisposed || this.state.get<boolean>(RETIREMENT_NOTICE_KEY)) return;
    const m = this.message();
    if (!m) return;
    this.busy = true;
    try {
      // remembered first: one notice, even if the window closes while it is shown
      await this.state.update(RETIREMENT_NOTICE_KEY, true);
      this.log.info(`Retirement: one-time notice for ${m.count} OpenAI fine-tuned model(s)`);
      const have = new Set(await vscode.commands.getCommands(true));
      const actions = [...(have.has('tuneline.keepBaseline') ? [KEEP] : []), ...(have.has('tuneline.moveFineTune') ? [MOVE] : []), WHEN];
      const choice = await this.notify.warn(`Tuneline: ${m.text}`, ...actions);
      if (choice === KEEP) await vscode.commands.executeCommand('tuneline.keepBaseline');
      else if (choice === MOVE) await vscode.commands.executeCommand('tuneline.moveFineTune');
      else if (choice === WHEN) await vscode.commands.executeCommand('workbench.action.openWalkthrough', RETIREMENT_STEP, false);
    } catch (e) {
      this.log.warn(`Retirement notice: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy = false;
    }
  }
}
