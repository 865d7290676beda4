import * as vscode from 'vscode';

/** Every context key Tuneline sets, in one place; `when` clauses in package.json use these names. */
export const ContextKeys = {
  /** True once the extension has activated. */
  activated: 'tuneline.activated',
  /** True when an API key is available for the configured provider. */
  hasApiKey: 'tuneline.hasApiKey',
  /** True when the jobs view has loaded the job list and it is empty (the "no jobs" welcome). */
  jobsEmpty: 'tuneline.jobs.empty',
  /** True when a checked JSONL dataset is the active editor (the Dataset view's welcome shows otherwise). */
  datasetOpen: 'tuneline.datasetOpen',
  /** True when the workspace is trusted. */
  trusted: 'tuneline.trusted',
} as const;

export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

export function setContext(key: ContextKey, value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
