import * as vscode from 'vscode';
import { RULES, ruleByCode } from '../core';
import { UserFacingError } from '../common/commands';
import { uriExists } from '../common/files';

/**
 * `tuneline.showRule [code]`: opens the rule's section of the bundled `docs/rules.md` in the Markdown preview (the
 * target of every diagnostic's code link). Without a code, asks which rule. If the page is missing (a development
 * build without docs), shows the rule from the catalogue instead.
 */
export async function showRule(extensionUri: vscode.Uri, code?: unknown): Promise<string | undefined> {
  let rule = typeof code === 'string' ? ruleByCode(code) : undefined;
  if (typeof code === 'string' && !rule) throw new UserFacingError(`Tuneline has no rule "${code}".`);
  if (!rule) {
    const pick = await vscode.window.showQuickPick(
      RULES.map((r) => ({ label: r.code, description: r.id, detail: r.title, rule: r })),
      { title: 'Tuneline: Show Rule Documentation', matchOnDescription: true, matchOnDetail: true },
    );
    if (!pick) return undefined;
    rule = pick.rule;
  }
  const page = vscode.Uri.joinPath(extensionUri, 'docs', 'rules.md');
  if (await uriExists(page)) {
    await vscode.commands.executeCommand('markdown.showPreview', page.with({ fragment: rule.code }));
  } else {
    void vscode.window.showInformationMessage(`${rule.id} ${rule.code}: ${rule.title}. ${rule.description}`);
  }
  return rule.code;
}
