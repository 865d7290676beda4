import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { validateText } from '../../src/core';
import { splitDataset } from '../../src/core/split';
import { activateExtension, fixtureUri, notificationText, runnerRequest, screenshot, testName, waitFor } from './helpers';

interface SplitResult {
  train: vscode.Uri;
  validation: vscode.Uri;
  trainCount: number;
  validationCount: number;
  duplicates: number;
  skipped: number[];
}

interface ConvertResult {
  output: vscode.Uri;
  converted: number;
  kept: number;
  skipped: Array<{ line: number; reason: string }>;
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function remove(...uris: vscode.Uri[]): Promise<void> {
  for (const u of uris) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
}

function errorsOf(text: string): string[] {
  return validateText(text, { method: 'supervised' })
    .problems.filter((p) => p.severity === 'error')
    .map((p) => `${p.ruleId} line ${p.line === undefined ? '-' : p.line + 1}: ${p.message}`);
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

describe('Dataset commands', function () {
  this.timeout(120_000);
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('removeDuplicates removes the later copies in one undoable edit', async function () {
    const uri = fixtureUri('datasets', 'dups.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const r = await vscode.commands.executeCommand<{ removed: number; lines: number[] }>('tuneline.removeDuplicates');
    assert.ok(r, 'the command returns its result');
    assert.deepEqual(r.lines, [4, 9, 10, 15]);
    assert.equal(r.removed, 4);
    const after = lines(doc.getText());
    assert.equal(after.length, 12);
    assert.equal(new Set(after.map((l) => l.trim())).size, 12, 'no duplicates left');
    // The first copies stay, in order.
    const original = lines(before).map((l) => l.trim());
    assert.deepEqual(
      after.map((l) => l.trim()),
      original.filter((l, i) => original.indexOf(l) === i),
    );
    assert.ok(doc.getText().endsWith('\n'), 'the final line break stays');
    await screenshot(testName(this));

    // One undo restores every copy.
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
    await waitFor(() => !doc.isDirty, 'the document to be clean again after the undo', 5000);

    // Nothing to do on a file without duplicates.
    const good = await vscode.workspace.openTextDocument(fixtureUri('datasets', 'good.jsonl'));
    await vscode.window.showTextDocument(good);
    const none = await vscode.commands.executeCommand<{ removed: number }>('tuneline.removeDuplicates');
    assert.equal(none?.removed, 0);
    assert.equal(good.isDirty, false);
  });

  it('splitDataset writes a training and a validation file the engine accepts, with no example on both sides', async () => {
    const source = fixtureUri('datasets', 'dups.jsonl');
    const train = fixtureUri('datasets', 'dups.train.jsonl');
    const valid = fixtureUri('datasets', 'dups.valid.jsonl');
    await remove(train, valid);
    try {
      const r = await vscode.commands.executeCommand<SplitResult>('tuneline.splitDataset', source, 0.75, 7);
      assert.ok(r, 'the command returns its result');
      assert.equal(r.train.toString(), train.toString());
      assert.equal(r.validation.toString(), valid.toString());
      const t = lines(await readText(train));
      const v = lines(await readText(valid));
      assert.equal(t.length, r.trainCount);
      assert.equal(v.length, r.validationCount);
      assert.equal(t.length + v.length, 16, 'every example of the source, once');
      assert.equal(r.duplicates, 4);
      assert.ok(v.length >= 3 && v.length <= 5, `about a quarter in validation (${v.length})`);
      const trainSet = new Set(t);
      assert.deepEqual(
        v.filter((l) => trainSet.has(l)),
        [],
        'no example in both files',
      );
      // The engine accepts both (no errors; the duplicates inside training are warnings).
      assert.deepEqual(errorsOf(await readText(train)), []);
      // The validation file is small (FILE-04 wants 10 examples in a *training* file): only that rule may complain.
      assert.deepEqual(
        errorsOf(await readText(valid)).filter((e) => !e.startsWith('FILE-04')),
        [],
      );

      // The same seed gives the same split (the files are replaced after confirmation only, so remove them first).
      await remove(train, valid);
      const again = await vscode.commands.executeCommand<SplitResult>('tuneline.splitDataset', source, 0.75, 7);
      assert.equal(again?.validationCount, r.validationCount);
      assert.deepEqual(lines(await readText(valid)), v);
    } finally {
      await remove(train, valid);
    }
  });

  it('splitDataset splits a larger file by the ratio into files without errors', async () => {
    const source = fixtureUri('datasets', 'good.jsonl');
    const train = fixtureUri('datasets', 'good.train.jsonl');
    const valid = fixtureUri('datasets', 'good.valid.jsonl');
    await remove(train, valid);
    try {
      const r = await vscode.commands.executeCommand<SplitResult>('tuneline.splitDataset', source, 0.8, 42);
      assert.equal(r?.trainCount, 48);
      assert.equal(r?.validationCount, 12);
      assert.deepEqual(errorsOf(await readText(train)), []);
      assert.deepEqual(errorsOf(await readText(valid)), []);
    } finally {
      await remove(train, valid);
    }
  });

  it('splitDataset asks for the ratio and seed when they are missing, and never overwrites without asking', async function () {
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip(); // needs the runner to press keys
    const source = fixtureUri('datasets', 'good.jsonl');
    const train = fixtureUri('datasets', 'good.train.jsonl');
    const valid = fixtureUri('datasets', 'good.valid.jsonl');
    await remove(train, valid);
    try {
      // The quick pick offers 80 / 20 first; the seed box is prefilled with 42: Enter, Enter.
      const running = vscode.commands.executeCommand<SplitResult>('tuneline.splitDataset', source);
      const title = async () => String((await runnerRequest({ type: 'text', selector: '.quick-input-widget .quick-input-title', timeoutMs: 2000 }).catch(() => undefined))?.value ?? '');
      await waitFor(async () => (await title()).includes('training / validation'), 'the ratio quick pick', 30_000);
      await runnerRequest({ type: 'press', keys: ['Enter'] });
      await waitFor(async () => (await title()).includes('seed'), 'the seed box', 30_000);
      await runnerRequest({ type: 'press', keys: ['Enter'], delayMs: 300 });
      const r = await running;
      assert.equal(r?.trainCount, 48);
      assert.equal(r?.validationCount, 12);
      const validText = await readText(valid);
      const direct = splitDataset(await readText(source), { ratio: 0.8, seed: 42 });
      assert.deepEqual(lines(validText), direct.validation, 'the same split as ratio 0.8, seed 42');

      // The files exist now: a second split asks first (a modal question). VS Code refuses modal dialogs under test
      // and says so with the question's text in a notification; either way nothing is overwritten.
      await vscode.commands.executeCommand('notifications.clearAll');
      const second = await vscode.commands.executeCommand<SplitResult>('tuneline.splitDataset', source, 0.5, 1);
      assert.equal(second, undefined, 'no split without an answer');
      // The message is a toast, or, where VS Code kept the toast hidden (it did once in CI), in the notification
      // centre: either way the user was told, with the question's text.
      assert.match(String(await notificationText('already exist')), /good\.train\.jsonl and good\.valid\.jsonl already exist\. Overwrite them\?/);
      await screenshot(testName(this));
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.equal(await readText(valid), validText, 'not overwritten');
    } finally {
      await remove(train, valid);
    }
  });

  for (const [fixture, converted, skipped] of [
    ['sharegpt.jsonl', 12, [12, 13]],
    ['alpaca.jsonl', 11, [12, 13]],
    ['legacy.jsonl', 10, []],
  ] as const) {
    it(`convertDataset turns ${fixture} into a chat file the engine accepts`, async () => {
      const source = fixtureUri('datasets', fixture);
      const output = fixtureUri('datasets', fixture.replace('.jsonl', '.chat.jsonl'));
      await remove(output);
      try {
        const r = await vscode.commands.executeCommand<ConvertResult>('tuneline.convertDataset', source);
        assert.ok(r, 'the command returns its result');
        assert.equal(r.output.toString(), output.toString());
        assert.equal(r.converted, converted);
        assert.deepEqual(
          r.skipped.map((s) => s.line),
          skipped,
        );
        const text = await readText(output);
        assert.equal(lines(text).length, converted);
        for (const l of lines(text)) assert.ok(Array.isArray(JSON.parse(l).messages), 'every line is chat');
        assert.deepEqual(errorsOf(text), []);
        assert.equal(validateText(text, {}).method, 'supervised');
      } finally {
        await remove(output);
      }
    });
  }

  it('convertDataset converts the open document’s unsaved text', async () => {
    const source = fixtureUri('datasets', 'legacy.jsonl');
    const output = fixtureUri('datasets', 'legacy.chat.jsonl');
    await remove(output);
    const doc = await vscode.workspace.openTextDocument(source);
    const editor = await vscode.window.showTextDocument(doc);
    try {
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), '{"prompt": "Unsaved?", "completion": " Yes."}\n'));
      const r = await vscode.commands.executeCommand<ConvertResult>('tuneline.convertDataset');
      assert.equal(r?.converted, 11);
      const first = JSON.parse(lines(await readText(output))[0]!);
      assert.deepEqual(first.messages, [
        { role: 'user', content: 'Unsaved?' },
        { role: 'assistant', content: 'Yes.' },
      ]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await remove(output);
    }
  });

  it('contributes the commands with menus for JSONL files', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['tuneline.showDatasetStats', 'tuneline.splitDataset', 'tuneline.convertDataset', 'tuneline.removeDuplicates']) {
      assert.ok(all.includes(id), `${id} is registered`);
    }
    const pkg = vscode.extensions.getExtension('tuneline.tuneline')!.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    const explorer = pkg.contributes.menus['explorer/context']!.filter((m) => m.command.startsWith('tuneline.') && /Dataset|Stats/.test(m.command));
    assert.ok(explorer.length >= 3);
    for (const m of explorer) assert.match(m.when ?? '', /resourceLangId == jsonl/);
  });
});
