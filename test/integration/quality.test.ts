import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixtureUri, activateExtension, runnerRequest, screenshot, testName, waitFor } from './helpers';

/**
 * The cross-line data-quality rules in the editor (issue 17): conflicting answers (TL-21) and near-duplicates (TL-22)
 * with related information pointing at the other line, the threshold setting applied live, and a validation file
 * beside its training file judged against it (TL-23): read from disk, re-read when it changes there, and taken from
 * its open editor (unsaved edits included) when it is open.
 */

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source?.startsWith('Tuneline'))
    .sort((a, b) => a.range.start.compareTo(b.range.start));
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function withCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return ours(uri).filter((d) => codeOf(d) === code);
}

const WORDS = 'amber basil cedar dune ember fjord grove heath iris juniper kelp lotus moss nettle olive pine quartz reed sage thyme'.split(' ');
function words(i: number): string {
  let x = (i + 11) * 2654435761;
  const out: string[] = [];
  for (let j = 0; j < 12; j++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]! + String((x >>> 8) % 1000));
  }
  return out.join(' ');
}
const chat = (user: string, assistant: string): string => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
const distinct = (i: number): string => chat(`Question ${i}: ${words(i)}?`, `Answer ${i}: ${words(i + 50_000)}.`);

const LONG = 'Explain how a hash map resolves two keys that land in the same bucket and what that costs on lookups';
const LONG_ANSWER = 'It chains the entries of the bucket or probes for the next free slot; lookups then compare several keys.';

const created: string[] = [];
function write(rel: string, lines: readonly string[]): vscode.Uri {
  const uri = fixtureUri('datasets', rel);
  fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
  fs.writeFileSync(uri.fsPath, lines.join('\n') + '\n');
  created.push(uri.fsPath);
  return uri;
}

async function setThreshold(value: number | undefined): Promise<void> {
  // Not a restricted setting: the user value decides in both trust modes (the fixture workspace sets none).
  await vscode.workspace.getConfiguration('tuneline').update('nearDuplicateThreshold', value, vscode.ConfigurationTarget.Global);
}

describe('Data-quality rules in the editor', () => {
  const stamp = Date.now();

  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await setThreshold(undefined);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(() => {
    for (const p of created) fs.rmSync(p, { force: true });
    fs.rmSync(fixtureUri('datasets', `pair-${stamp}`).fsPath, { recursive: true, force: true });
  });

  it('a near-duplicate and a conflicting answer show with related information; threshold 0 removes the near-duplicate', async function () {
    const xs = Array.from({ length: 12 }, (_, i) => distinct(i));
    xs[2] = chat('What is the capital of Australia?', 'Canberra.');
    xs[9] = chat('What is the capital of Australia?', 'Sydney.');
    xs[4] = chat(LONG, LONG_ANSWER);
    xs[11] = chat(LONG.replace('resolves', 'handles'), LONG_ANSWER);
    const uri = write(`quality-${stamp}.jsonl`, xs);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const conflicts = await waitFor(() => {
      const c = withCode(uri, 'conflicting-answers');
      return c.length === 2 ? c : undefined;
    }, 'two conflicting-answers diagnostics');
    assert.deepEqual(conflicts.map((d) => d.range.start.line), [2, 9]);
    for (const [d, other] of [[conflicts[0]!, 9], [conflicts[1]!, 2]] as const) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(d.relatedInformation?.length, 1);
      assert.equal(d.relatedInformation![0]!.location.uri.toString(), uri.toString());
      assert.equal(d.relatedInformation![0]!.location.range.start.line, other);
      assert.match(d.relatedInformation![0]!.message, new RegExp(`line ${other + 1}`));
      // On the answer's content, not the whole line.
      assert.ok(d.range.start.character > 0 && d.range.end.character < doc.lineAt(d.range.start.line).text.length, 'on the answer');
    }
    const near = withCode(uri, 'near-duplicate');
    assert.equal(near.length, 1, `one near-duplicate; got ${ours(uri).map((d) => `${d.range.start.line}:${codeOf(d)}`).join(', ')}`);
    assert.equal(near[0]!.range.start.line, 11);
    assert.equal(near[0]!.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(near[0]!.relatedInformation?.[0]?.location.range.start.line, 4);
    assert.equal(near[0]!.relatedInformation?.[0]?.location.uri.toString(), uri.toString());

    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const rows = await runnerRequest({ type: 'count', selector: '.markers-panel .monaco-list-row' });
    if (rows) assert.ok(Number(rows.value) >= 4, `the Problems panel lists the file and its problems (rows: ${String(rows.value)})`);
    await screenshot(testName(this), 800);

    // The setting, changed live: 0 turns near-duplicates off; the conflicts stay.
    await setThreshold(0);
    await waitFor(() => withCode(uri, 'near-duplicate').length === 0, 'the near-duplicate diagnostic to go at threshold 0');
    assert.equal(withCode(uri, 'conflicting-answers').length, 2);
    // And back: a threshold the pair meets shows it again.
    await setThreshold(0.5);
    await waitFor(() => withCode(uri, 'near-duplicate').length === 1, 'the near-duplicate diagnostic back at threshold 0.5');
  });

  it('a validation file beside its training file shows train-validation-overlap, following the training file', async function () {
    const dir = `pair-${stamp}`;
    const train = Array.from({ length: 30 }, (_, i) => distinct(i));
    train[6] = chat(LONG, LONG_ANSWER);
    const trainUri = write(`${dir}/support_train.jsonl`, train);
    const val = Array.from({ length: 8 }, (_, i) => distinct(1000 + i));
    val[1] = train[20]!; // the same example
    val[5] = chat(LONG.replace('costs', 'means'), LONG_ANSWER); // a near-duplicate of training line 7
    const valUri = write(`${dir}/support_val.jsonl`, val);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(valUri));

    const overlaps = await waitFor(() => {
      const o = withCode(valUri, 'train-validation-overlap');
      return o.length === 2 ? o : undefined;
    }, 'two train-validation-overlap diagnostics on support_val.jsonl (training file read from disk)');
    assert.deepEqual(overlaps.map((d) => d.range.start.line), [1, 5]);
    for (const [d, line] of [[overlaps[0]!, 20], [overlaps[1]!, 6]] as const) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, new RegExp(`support_train\\.jsonl \\(line ${line + 1}\\)`));
      const rel = d.relatedInformation?.[0];
      assert.ok(rel, 'related information names the training line');
      assert.equal(rel.location.uri.fsPath, trainUri.fsPath);
      assert.equal(rel.location.range.start.line, line);
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot(testName(this), 800);
    // The Dataset view's summary counts them too (they come from the other file, not from the document's index).
    await vscode.commands.executeCommand('tuneline.dataset.focus');
    const summary = await waitFor(async () => {
      const r = await runnerRequest({ type: 'text', selector: '.pane:has(.pane-header[aria-label^="Dataset"]) .pane-body' });
      if (r === undefined) return 'no runner';
      const t = String(r.value);
      return /train-validation-overlap/.test(t) ? t : undefined;
    }, 'the Dataset view to list train-validation-overlap');
    if (summary !== 'no runner') assert.match(summary, /train-validation-overlap · 2/);
    await screenshot(`${testName(this)}-dataset-view`, 500);

    // The training file changes on disk (the copied example goes): re-read, one overlap left.
    const edited = [...train];
    edited[20] = distinct(777);
    fs.writeFileSync(trainUri.fsPath, edited.join('\n') + '\n');
    await waitFor(() => {
      const o = withCode(valUri, 'train-validation-overlap');
      return o.length === 1 && o[0]!.range.start.line === 5;
    }, 'one overlap left after the training file changed on disk', 20_000);

    // The training file open in an editor: its unsaved text decides.
    const trainDoc = await vscode.workspace.openTextDocument(trainUri);
    await vscode.window.showTextDocument(trainDoc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    const e = new vscode.WorkspaceEdit();
    e.replace(trainUri, trainDoc.lineAt(6).range, distinct(888));
    e.insert(trainUri, new vscode.Position(0, 0), val[3]! + '\n');
    assert.ok(await vscode.workspace.applyEdit(e));
    await waitFor(() => {
      const o = withCode(valUri, 'train-validation-overlap');
      return o.length === 1 && o[0]!.range.start.line === 3 && o[0]!.relatedInformation?.[0]?.location.range.start.line === 0;
    }, 'the overlap from the open training document (line 1, unsaved)');
    await vscode.commands.executeCommand('workbench.action.files.revert', trainUri);
  });
});
