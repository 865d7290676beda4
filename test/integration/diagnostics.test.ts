import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateText } from '../../src/core';
import { activateExtension, fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor } from './helpers';

/** Tuneline's diagnostics on a document, sorted by position. */
function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Tuneline')
    .sort((a, b) => a.range.start.compareTo(b.range.start));
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** `line:code` of each diagnostic, for comparing with the engine's own result. */
function summary(ds: readonly vscode.Diagnostic[]): string[] {
  return ds.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.character}:${codeOf(d)}`).sort();
}

function engineSummary(text: string, model: string): string[] {
  const r = validateText(text, { model });
  return r.problems.map((p) => (p.line === undefined ? `0:file:${p.code}` : `${p.line}:${p.column}-${p.endColumn}:${p.code}`)).sort();
}

function normalise(ds: readonly vscode.Diagnostic[]): string[] {
  return ds.map((d) => (d.message.startsWith('File: ') ? `0:file:${codeOf(d)}` : `${d.range.start.line}:${d.range.start.character}-${d.range.end.character}:${codeOf(d)}`)).sort();
}

const MODEL = 'gpt-4o-mini-2024-07-18'; // the fixture workspace's tuneline.model

/**
 * A new JSONL file in the workspace, opened in an editor. (Untitled documents are not used: VS Code reuses the name
 * "Untitled-1" right after one is closed, and the extension host can still hold the old one under that URI.)
 */
const scratch: vscode.Uri[] = [];
async function openJsonl(content: string): Promise<vscode.TextEditor> {
  const uri = fixtureUri('datasets', `scratch-${Date.now()}-${scratch.length + 1}.jsonl`);
  fs.writeFileSync(uri.fsPath, content);
  scratch.push(uri);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

async function closeActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

const CHAT = (u: string, a: string, role = 'user') =>
  `{"messages":[{"role":"system","content":"You are terse."},{"role":"${role}","content":"${u}"},{"role":"assistant","content":"${a}"}]}`;

/** Issue 19: no extension-host stall over this long from Tuneline when a file with a 2 MB line is opened or edited. */
const STALL_LIMIT_MS = 50;

/**
 * This thread's CPU time in ms (Linux: /proc/thread-self/schedstat, the time the thread ran; the kernel brings it up
 * to date at each scheduler tick, so one reading is within a tick, about 4 ms), or undefined where it cannot be read.
 */
function threadCpuMs(): number | undefined {
  try {
    const ns = Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** The longest gaps of a heartbeat, in wall time and in this thread's own CPU time spent inside a gap. */
interface Stall {
  readonly wall: number;
  readonly cpu: number | undefined;
}

/**
 * A 5 ms interval timer on the extension host (this suite runs there, on the thread that runs the extension): the
 * longest gap between two ticks is the longest time the thread could not answer. Wall time counts the machine's load
 * too (the workers, the workbench and the server share its cores: the thread then waits to run); the thread's CPU
 * time within the gap counts only what it ran itself, i.e. its own blocking work.
 */
class Heartbeat {
  private lastWall = performance.now();
  private lastCpu = threadCpuMs();
  private wall = 0;
  private cpu: number | undefined = this.lastCpu === undefined ? undefined : 0;
  private readonly timer = setInterval(() => this.tick(), 5);

  private tick(): void {
    const now = performance.now();
    const cpu = threadCpuMs();
    this.wall = Math.max(this.wall, now - this.lastWall);
    if (cpu !== undefined && this.lastCpu !== undefined) this.cpu = Math.max(this.cpu ?? 0, cpu - this.lastCpu);
    this.lastWall = now;
    this.lastCpu = cpu;
  }

  /** The longest gaps since the last lap (the gap running now included), and a new lap. */
  lap(): Stall {
    this.tick();
    const out = { wall: this.wall, cpu: this.cpu };
    this.wall = 0;
    this.cpu = this.cpu === undefined ? undefined : 0;
    return out;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Tuneline's share of the longest stall of each phase: the run's longest gap less the baseline's (VS Code's own work,
 * e.g. syncing the 2 MB document to the extension host, runs in the same task as Tuneline's listener). Judged on CPU
 * time when the thread's CPU time can be read (a loaded machine makes gaps longer, not the thread's own work), else on
 * wall time. `cannotJudge` says why no verdict is possible: the baseline alone stalls over the limit.
 */
function judgeStalls(base: { open: Stall; typing: Stall }, run: { open: Stall; typing: Stall }) {
  const fmt = (s: Stall) => `${s.wall.toFixed(0)} ms wall` + (s.cpu === undefined ? '' : `, ${s.cpu.toFixed(0)} ms CPU`);
  const onCpu = [base.open, base.typing, run.open, run.typing].every((s) => s.cpu !== undefined);
  const of = (s: Stall) => (onCpu ? s.cpu! : s.wall);
  const tuneline = {
    open: Math.max(0, of(run.open) - of(base.open)),
    typing: Math.max(0, of(run.typing) - of(base.typing)),
  };
  const report =
    `longest extension-host stall — opening: ${fmt(run.open)} (baseline without Tuneline ${fmt(base.open)}); ` +
    `typing: ${fmt(run.typing)} (baseline ${fmt(base.typing)}); Tuneline's share (${onCpu ? 'CPU' : 'wall'} time): ` +
    `opening ${tuneline.open.toFixed(0)} ms, typing ${tuneline.typing.toFixed(0)} ms, limit ${STALL_LIMIT_MS} ms`;
  const notes: string[] = [];
  if (!onCpu) notes.push('the thread CPU time cannot be read here (/proc/thread-self/schedstat): judged on wall time');
  const baseWorst = Math.max(base.open.wall, base.typing.wall);
  if (onCpu && baseWorst >= STALL_LIMIT_MS) {
    notes.push(`the machine is loaded (the heartbeat stalls ${baseWorst.toFixed(0)} ms without Tuneline): judged on the thread's CPU time, not wall time`);
  }
  const baseOwn = Math.max(of(base.open), of(base.typing));
  const cannotJudge =
    baseOwn >= STALL_LIMIT_MS
      ? `the extension host stalls ${baseOwn.toFixed(0)} ms (${onCpu ? 'CPU' : 'wall'} time) with Tuneline's work removed, so a stall over ${STALL_LIMIT_MS} ms cannot be told apart from it`
      : undefined;
  return { tuneline, report, notes, cannotJudge };
}

describe('Dataset diagnostics', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(() => {
    for (const uri of scratch) fs.rmSync(uri.fsPath, { force: true });
  });

  it('shows broken.jsonl problems on the right lines and ranges, with code, link and source', async function () {
    const uri = fixtureUri('datasets', 'broken.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitFor(() => {
      const d = ours(uri);
      return d.length >= 8 ? d : undefined;
    }, 'Tuneline diagnostics on broken.jsonl');

    const find = (line: number, code: string) => {
      const d = ds.find((x) => x.range.start.line === line && codeOf(x) === code);
      assert.ok(d, `a ${code} diagnostic on line ${line + 1}; got ${summary(ds).join(', ')}`);
      return d;
    };
    const role = find(2, 'invalid-role');
    assert.equal(doc.getText(role.range), '"usr"', 'the range is exactly the role value');
    assert.equal(role.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(role.source, 'Tuneline');
    assert.match(role.message, /Did you mean "user"/);
    assert.ok(typeof role.code === 'object', 'the code carries a link');
    const target = (role.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'command');
    assert.equal(target.path, 'tuneline.showRule');
    assert.deepEqual(JSON.parse(target.query), ['invalid-role']);

    const weight = find(4, 'weight-not-binary');
    assert.equal(doc.getText(weight.range), '0.5');
    const json = find(6, 'invalid-json');
    assert.equal(json.severity, vscode.DiagnosticSeverity.Error);
    const legacy = find(8, 'wrong-format');
    assert.equal(doc.getText(legacy.range), '"prompt"');
    const dup = find(10, 'duplicate-example');
    assert.equal(dup.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([dup.range.start.character, dup.range.end.character], [0, doc.lineAt(10).text.length]);
    assert.equal(dup.relatedInformation?.length, 1, 'the duplicate points at the first copy');
    assert.equal(dup.relatedInformation![0]!.location.range.start.line, 1);
    assert.equal(dup.relatedInformation![0]!.location.uri.toString(), uri.toString());

    const fileLevel = ds.filter((d) => d.message.startsWith('File: '));
    assert.deepEqual(fileLevel.map(codeOf).sort(), ['few-examples', 'wrong-format']);
    for (const d of fileLevel) assert.equal(d.range.start.line, 0);

    // Exactly what the engine reports for the same text (no more, no less).
    assert.deepEqual(normalise(ds), engineSummary(doc.getText(), MODEL));

    // The editor shows the squiggles, and the Problems panel lists them.
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(2, 72, 2, 72) });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const rows = await runnerRequest({ type: 'count', selector: '.markers-panel .monaco-list-row' });
    if (rows) assert.ok(Number(rows.value) >= 9, `the Problems panel lists the file and its problems (rows: ${String(rows.value)})`);
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      // the editor draws its decorations a moment after it is shown
      const drawn = async () => Number((await runnerRequest({ type: 'count', selector: '.monaco-editor .squiggly-error' }))?.value ?? 0);
      await waitFor(async () => (await drawn()) >= 1, 'error squiggles to be drawn', 10_000);
    }
    await screenshot(testName(this), 800);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('opens the rule’s section of docs/rules.md from the code link', async function () {
    const uri = fixtureUri('datasets', 'broken.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor(() => ours(uri).find((x) => codeOf(x) === 'weight-not-binary'), 'the weight diagnostic');
    const target = (d.code as { target: vscode.Uri }).target;
    // What the Problems panel and the hover do with the link: run the command with the URI's JSON arguments.
    const args = JSON.parse(target.query) as unknown[];
    const opened = await vscode.commands.executeCommand(target.path, ...args);
    assert.equal(opened, 'weight-not-binary');
    const preview = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType)),
      'the Markdown preview of the rules page',
    );
    assert.match(preview.label, /rules\.md/);
    // The preview renders once the Markdown extension is up; then the rule's heading is there (the preview scrolls
    // to it: see the screenshot).
    const rendered = await runnerRequest({ type: 'count', selector: 'h2', webview: true });
    if (rendered) {
      await waitFor(async () => Number((await runnerRequest({ type: 'count', selector: 'h2', webview: true }))?.value) > 0, 'the rules page to render', 45_000);
      const anchor = await runnerRequest({ type: 'count', selector: '[id="weight-not-binary"]', webview: true });
      assert.equal(anchor?.value, 1, 'the page has the rule’s anchor');
    }
    await screenshot(testName(this), 1500);
  });

  it('checks .ndjson files too (the built-in jsonl language)', async () => {
    const uri = fixtureUri('datasets', 'chat.ndjson');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'jsonl');
    await vscode.window.showTextDocument(doc);
    const ds = await waitFor(() => ours(uri).find((d) => codeOf(d) === 'invalid-role'), 'the invalid role in chat.ndjson');
    assert.equal(ds.range.start.line, 4);
    assert.equal(doc.getText(ds.range), '"narrator"');
  });

  it('updates as you type: re-checks the edited line, throttles publishing, drops intermediate states', async () => {
    const api = await activateExtension();
    const lines = Array.from({ length: 12 }, (_, i) => CHAT(`Question ${i}?`, `Answer ${i}.`));
    const editor = await openJsonl(lines.join('\n') + '\n');
    const uri = editor.document.uri;
    await waitFor(() => api.datasets.publishes(uri)?.count, 'the first publish');
    assert.deepEqual(normalise(ours(uri)), engineSummary(editor.document.getText(), MODEL));
    assert.deepEqual(ours(uri).filter((d) => !d.message.startsWith('File: ')), [], 'no line problems in a clean file');

    // Record every diagnostics change for this document.
    const seen: string[][] = [];
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) seen.push(ours(uri).map((d) => `${d.range.start.line}:${codeOf(d)}`));
    });
    try {
      const before = api.datasets.publishes(uri)!.count;
      // Retype the role "user" on line 5 key by key: every intermediate state ("", "u", "us", "use") is invalid.
      // The five edits are sent in one burst, as fast typing would (each is applied after the previous one).
      const line = 5;
      const at = editor.document.lineAt(line).text.indexOf('"user"') + 1;
      const keystrokes: vscode.WorkspaceEdit[] = [];
      const del = new vscode.WorkspaceEdit();
      del.delete(uri, new vscode.Range(line, at, line, at + 4));
      keystrokes.push(del);
      for (const [i, ch] of [...'user'].entries()) {
        const e = new vscode.WorkspaceEdit();
        e.insert(uri, new vscode.Position(line, at + i), ch);
        keystrokes.push(e);
      }
      const applied = await Promise.all(keystrokes.map((e) => vscode.workspace.applyEdit(e)));
      assert.deepEqual(applied, [true, true, true, true, true]);
      assert.equal(editor.document.lineAt(line).text, lines[line]);
      await waitFor(() => api.datasets.publishes(uri)!.version === editor.document.version, 'the final state to be published');
      await sleep(500);
      const published = api.datasets.publishes(uri)!.count - before;
      assert.equal(published, 1, `5 quick edits were published ${published} time(s), not once per keystroke`);
      assert.ok(seen.every((s) => !s.includes(`${line}:invalid-role`)), `no intermediate state was shown: ${JSON.stringify(seen)}`);
      assert.deepEqual(ours(uri).filter((d) => !d.message.startsWith('File: ')), [], 'the final text is clean again');
      assert.equal(api.datasets.publishes(uri)!.version, editor.document.version, 'what is shown is the latest version');

      // A real mistake shows up on its line, and only there.
      seen.length = 0;
      const t = editor.document.lineAt(7).text;
      const r = t.indexOf('"assistant"');
      assert.ok(r > 0, `line 8 has an assistant message: ${t}`);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), 'the editor is still active');
      const typo = new vscode.WorkspaceEdit();
      typo.replace(uri, new vscode.Range(7, r, 7, r + 11), '"asistant"');
      assert.ok(await vscode.workspace.applyEdit(typo));
      const bad = await waitFor(() => ours(uri).find((d) => codeOf(d) === 'invalid-role'), 'the typo to be reported');
      assert.equal(bad.range.start.line, 7);
      assert.equal(editor.document.getText(bad.range), '"asistant"');
      await waitFor(() => seen.length >= 1, 'the (debounced) diagnostics change event');
      assert.deepEqual(normalise(ours(uri)), engineSummary(editor.document.getText(), MODEL));
    } finally {
      sub.dispose();
      await closeActive();
    }
  });

  it('maps one edit with several ranges (inserted and deleted lines) exactly, line by line', async () => {
    const api = await activateExtension();
    const lines = Array.from({ length: 14 }, (_, i) => CHAT(`Q${i}?`, `A${i}.`));
    const editor = await openJsonl(lines.join('\n') + '\n');
    const doc = editor.document;
    try {
      await waitFor(() => api.datasets.publishes(doc.uri)?.count, 'the first publish');
      // One WorkspaceEdit: a role typo on line 12, two new lines (one a duplicate) after line 8, line 3 deleted,
      // a prompt/completion line replacing line 1.
      const edit = new vscode.WorkspaceEdit();
      const l12 = doc.lineAt(12).text;
      const u = l12.indexOf('"user"');
      assert.ok(u > 0, `line 13 is a chat example: ${JSON.stringify(doc.getText().slice(0, 400))} (${doc.uri.toString()}, ${doc.lineCount} lines)`);
      edit.replace(doc.uri, new vscode.Range(12, u, 12, u + 6), '"usr"');
      edit.insert(doc.uri, new vscode.Position(9, 0), `${lines[0]}\n{"messages":[{"role":"user","content":"new"},{"role":"assistant","content":"x","weight":3}]}\n`);
      edit.delete(doc.uri, new vscode.Range(3, 0, 4, 0));
      edit.replace(doc.uri, doc.lineAt(1).range, '{"prompt":"p","completion":"c"}');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor(() => api.datasets.publishes(doc.uri)!.version === doc.version, 'the edit to be published');
      const got = normalise(ours(doc.uri));
      assert.deepEqual(got, engineSummary(doc.getText(), MODEL), 'the incremental result equals a full validation');
      assert.ok(got.some((s) => s.startsWith('13:') && s.endsWith('invalid-role')), `the typo moved to line 14 (${got.join(', ')})`);
      assert.ok(got.some((s) => s.startsWith('8:') && s.endsWith('duplicate-example')), 'the inserted copy is a duplicate');
      assert.ok(got.some((s) => s.startsWith('9:') && s.endsWith('weight-not-binary')));
      assert.ok(got.some((s) => s.startsWith('1:') && s.endsWith('wrong-format')));

      // Multi-cursor typing: one edit, the same text inserted on three lines; then a plain keystroke.
      const multi = new vscode.WorkspaceEdit();
      for (const l of [2, 5, 10]) multi.insert(doc.uri, new vscode.Position(l, doc.lineAt(l).text.length), ' ');
      assert.ok(await vscode.workspace.applyEdit(multi));
      const key = new vscode.WorkspaceEdit();
      key.insert(doc.uri, new vscode.Position(6, 0), 'x');
      assert.ok(await vscode.workspace.applyEdit(key));
      await waitFor(() => api.datasets.publishes(doc.uri)!.version === doc.version, 'the multi-cursor edit to be published');
      assert.deepEqual(normalise(ours(doc.uri)), engineSummary(doc.getText(), MODEL));
    } finally {
      await closeActive();
    }
  });

  it('clears a document’s diagnostics when it closes', async () => {
    const api = await activateExtension();
    const editor = await openJsonl([CHAT('a', 'b', 'usr'), CHAT('c', 'd')].join('\n'));
    const uri = editor.document.uri;
    await waitFor(() => ours(uri).length > 0, 'diagnostics on the new document');
    assert.ok(api.datasets.isChecked(uri));
    await closeActive();
    await waitFor(() => ours(uri).length === 0, 'the diagnostics to be cleared');
    assert.equal(api.datasets.isChecked(uri), false);
  });

  it('clears a file’s diagnostics when its editor tab closes, and checks it again when shown', async () => {
    const api = await activateExtension();
    const uri = fixtureUri('datasets', 'fixable.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ours(uri).length > 0, 'diagnostics on fixable.jsonl');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor(() => ours(uri).length === 0, 'the diagnostics to go with the tab');
    assert.equal(api.datasets.isChecked(uri), false);
    assert.equal(doc.isClosed, false, 'the document itself is still open in the extension host (kept by VS Code)');
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ours(uri).length > 0, 'the diagnostics to come back');
  });

  it('re-checks open documents when tuneline.method or tuneline.model change', async function () {
    this.timeout(240_000); // four settings writes: slow on a loaded machine
    const api = await activateExtension();
    const uri = fixtureUri('datasets', 'good.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor(() => api.datasets.isChecked(uri), 'good.jsonl to be checked');
    assert.equal(ours(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length, 0, 'good.jsonl has no errors');
    const config = vscode.workspace.getConfiguration('tuneline');
    try {
      await config.update('method', 'dpo', vscode.ConfigurationTarget.Global);
      const wrong = await waitFor(() => {
        const w = ours(uri).filter((d) => codeOf(d) === 'wrong-format' && !d.message.startsWith('File: '));
        return w.length >= 60 ? w : undefined;
      }, 'every chat line to be wrong for method dpo');
      assert.equal(wrong.length, 60);
    } finally {
      await config.update('method', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(() => ours(uri).every((d) => d.severity !== vscode.DiagnosticSeverity.Error), 'auto method again');
    const statusBefore = api.datasets.statusBar.text;
    try {
      // A model without a listed training price: the cost disappears from the status bar. The fixture workspace sets
      // tuneline.model (not a restricted setting, so in both modes), so the workspace value is the one to change.
      await config.update('model', 'my-own-model', vscode.ConfigurationTarget.Workspace);
      await waitFor(() => api.datasets.statusBar.text !== statusBefore, 'the status bar to follow the model');
      assert.doesNotMatch(api.datasets.statusBar.text, /\$\d/, 'no price for an unknown model');
    } finally {
      await config.update('model', MODEL, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(() => api.datasets.statusBar.text.includes('$'), 'the price to come back');
  });

  it('checks only the files tuneline.validate.include names, when it is set', async function () {
    this.timeout(180_000);
    const api = await activateExtension();
    const broken = fixtureUri('datasets', 'broken.jsonl');
    const good = fixtureUri('datasets', 'good.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(good));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(broken));
    await waitFor(() => ours(broken).length > 0, 'broken.jsonl diagnostics');
    const config = vscode.workspace.getConfiguration('tuneline');
    try {
      await config.update('validate.include', ['**/good.jsonl'], vscode.ConfigurationTarget.Global);
      await waitFor(() => ours(broken).length === 0, 'broken.jsonl to be left alone');
      assert.equal(api.datasets.isChecked(broken), false);
      assert.equal(api.datasets.isChecked(good), true);
      assert.equal(api.datasets.statusBar.visible, false, 'no dataset status for an unchecked file');
    } finally {
      await config.update('validate.include', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(() => ours(broken).length > 0, 'broken.jsonl to be checked again');
  });
  it('a 2 MB line: the token limit warning arrives from the workers, and no extension-host stall over 50 ms comes from Tuneline', async function () {
    this.timeout(240_000);
    const api = await activateExtension();
    const long = CHAT('a'.repeat(2_000_000), 'ok');
    const text = [CHAT('Hi?', 'Hello.'), long, CHAT('Bye?', 'Bye.')].join('\n') + '\n';
    const config = vscode.workspace.getConfiguration('tuneline');
    /** Opens the file, waits for `opened`, types three characters into the long line, waits for `typed`. */
    const session = async (uri: vscode.Uri, opened: () => Promise<void>, typed: (editor: vscode.TextEditor) => Promise<void>) => {
      const beat = new Heartbeat();
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await opened();
      const open = beat.lap();
      for (let k = 0; k < 3; k++) {
        assert.ok(await editor.edit((b) => b.insert(new vscode.Position(1, 1000 + k), 'a')));
        await sleep(50);
      }
      await typed(editor);
      const typing = beat.lap();
      beat.stop();
      return { editor, open, typing };
    };
    // Written before any measurement (the test's own work on this thread is not measured).
    const baseUri = fixtureUri('datasets', `scratch-${Date.now()}-base.jsonl`);
    const uri = fixtureUri('datasets', `scratch-${Date.now()}-long.jsonl`);
    for (const u of [baseUri, uri]) {
      fs.writeFileSync(u.fsPath, text);
      scratch.push(u);
    }
    // The baseline: the same file, opened and edited the same way, with Tuneline's work removed (validate.include
    // names only the other file, so Tuneline does not check this one). What the extension host spends then is VS
    // Code's own (the document's sync) and the machine's. The setting stays for the whole test: the baseline document
    // stays open in the extension host after its tab closes, and must not be checked while the real run is measured.
    try {
      await config.update('validate.include', [`**/${path.basename(uri.fsPath)}`], vscode.ConfigurationTarget.Global);
      const base = await session(baseUri, () => sleep(3000), () => sleep(2000));
      assert.equal(api.datasets.isChecked(baseUri), false, 'the baseline file is not checked');
      assert.deepEqual(ours(baseUri), []);
      await closeActive();
      const tooLong = () => ours(uri).find((d) => codeOf(d) === 'example-too-long' && d.range.start.line === 1);
      const run = await session(
        uri,
        async () => {
          await waitFor(() => ours(uri).length > 0 || undefined, 'diagnostics on the document');
          await waitFor(tooLong, 'the TOK-01 warning on the 2 MB line, from the worker counts', 60_000);
        },
        async (editor) => {
          // The warning again, for the edited line (its range ends at the new line length): counted after the edits.
          const newLength = editor.document.lineAt(1).text.length;
          await waitFor(() => tooLong()?.range.end.character === newLength || undefined, 'the TOK-01 warning of the edited line', 60_000);
        },
      );
      // Exactly what the engine reports for the edited text (computed here, on this thread, after the measurement).
      assert.deepEqual(normalise(ours(uri)), engineSummary(run.editor.document.getText(), MODEL));
      const verdict = judgeStalls(base, run);
      console.log(`[2 MB line] ${verdict.report}`);
      for (const note of verdict.notes) console.log(`[2 MB line] ${note}`);
      if (verdict.cannotJudge) {
        // Not a pass: the counts show it as pending, with the reason in the output.
        console.log(`[2 MB line] NOT JUDGED: ${verdict.cannotJudge}`);
        this.skip();
      }
      for (const phase of ['open', 'typing'] as const) {
        assert.ok(
          verdict.tuneline[phase] < STALL_LIMIT_MS,
          `Tuneline blocked the extension host for ${verdict.tuneline[phase].toFixed(0)} ms at once while the file was ${phase === 'open' ? 'opened' : 'edited'} (limit ${STALL_LIMIT_MS} ms): ${verdict.report}`,
        );
      }
    } finally {
      await closeActive();
      await config.update('validate.include', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
