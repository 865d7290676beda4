/**
 * `tuneline.startTraining [args]`: with an argument object (`StartTrainingArgs`) it starts the job without questions
 * (or shows only the summary, `confirm: 'summary'`); without one, the multi-step quick pick asks for everything.
 * Resolves with the created job (tests read it), `undefined` when the user cancelled.
 */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import type { FineTuningJob } from '../api/types';
import type { Draft, StartTrainingArgs, TrainingService } from './training';
import { runWizard, type StepName } from './wizard';

function isArgs(v: unknown): v is StartTrainingArgs {
  return !!v && typeof v === 'object' && !(v instanceof vscode.Uri) && 'trainingFile' in v;
}

export async function startTraining(
  training: TrainingService,
  log: Logger,
  arg?: unknown,
  onStep?: (step: StepName) => void,
): Promise<FineTuningJob | undefined> {
  const client = await training.provider.getClient();
  training.showWindDownNotice(client);
  let draft: Draft;
  let ifProblems: StartTrainingArgs['ifProblems'] = 'ask';
  if (isArgs(arg)) {
    draft = await training.draftFromArgs(arg);
    ifProblems = arg.ifProblems ?? 'ask';
    if (arg.confirm === 'summary' || arg.confirm === 'options') {
      draft = await runWizard(draft, { client, log, estimate: (d) => training.estimate(d, client), ...(onStep ? { onStep } : {}) }, arg.confirm);
    }
  } else {
    // From the explorer / editor title: the Uri is the training file.
    const start: Draft = { hyperparameters: {} };
    if (arg instanceof vscode.Uri) start.training = { kind: 'local', uri: arg };
    draft = await runWizard(start, { client, log, estimate: (d) => training.estimate(d, client), ...(onStep ? { onStep } : {}) }, start.training ? 'validation' : 'training');
  }
  return training.send(draft, client, ifProblems);
}
