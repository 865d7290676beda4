/**
 * The playground's conversation, independent of VS Code: one to three model columns, a shared system prompt and
 * options, and turns (one user message, each column's reply, and the dataset's reply when the conversation came from
 * a dataset line). Pure, so the example-building rules are unit tested.
 */
import { MAX_COLUMNS, type Reply, type SessionView, type Turn, type Usage } from '../common/protocol/playground';

export interface SimpleMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface MutableTurn {
  user: string;
  replies: Array<Reply | null>;
  expected?: string;
}

export const DEFAULT_TEMPERATURE = 1;
export const DEFAULT_MAX_TOKENS = 1024;

export class Session {
  models: string[];
  system = '';
  temperature = DEFAULT_TEMPERATURE;
  maxTokens = DEFAULT_MAX_TOKENS;
  turns: MutableTurn[] = [];
  source: string | undefined;
  /** The dataset line the conversation was loaded from (0-based), with its file. */
  sourceUri: string | undefined;

  constructor(models: readonly string[]) {
    this.models = normaliseModels(models);
  }

  view(busy: boolean, endpoint?: string): SessionView {
    return {
      models: [...this.models],
      system: this.system,
      temperature: this.temperature,
      maxTokens: this.maxTokens,
      turns: this.turns.map((t): Turn => ({ user: t.user, replies: [...t.replies], ...(t.expected !== undefined ? { expected: t.expected } : {}) })),
      busy,
      ...(this.source ? { source: this.source } : {}),
      ...(endpoint ? { endpoint } : {}),
    };
  }

  setModel(column: number, model: string): void {
    if (column < 0 || column >= this.models.length) return;
    const id = model.trim();
    if (id) this.models[column] = id;
  }

  addColumn(model: string): boolean {
    if (this.models.length >= MAX_COLUMNS) return false;
    this.models.push(model);
    for (const t of this.turns) t.replies.push(null);
    return true;
  }

  removeColumn(column: number): boolean {
    if (this.models.length <= 1 || column < 0 || column >= this.models.length) return false;
    this.models.splice(column, 1);
    for (const t of this.turns) t.replies.splice(column, 1);
    return true;
  }

  addTurn(user: string): number {
    this.turns.push({ user, replies: this.models.map(() => null) });
    return this.turns.length - 1;
  }

  clear(): void {
    this.turns = [];
    this.source = undefined;
    this.sourceUri = undefined;
  }

  /** The text a column's reply to `turn` stands for in later requests: its own, else another column's, else the dataset's. */
  replyText(turn: number, column: number): string | undefined {
    const t = this.turns[turn];
    if (!t) return undefined;
    const own = t.replies[column];
    if (own && own.text !== '' && own.status !== 'error') return own.text;
    const other = t.replies.find((r) => r && r.text !== '' && r.status !== 'error');
    return other?.text ?? t.expected;
  }

  /** The request for `column`'s reply to `turn`: the system prompt, earlier turns (with this column's replies), the user turn. */
  messagesFor(column: number, turn: number): SimpleMessage[] {
    const out: SimpleMessage[] = [];
    if (this.system.trim()) out.push({ role: 'system', content: this.system });
    for (let i = 0; i <= turn && i < this.turns.length; i++) {
      const t = this.turns[i]!;
      out.push({ role: 'user', content: t.user });
      if (i < turn) {
        const reply = this.replyText(i, column);
        if (reply !== undefined) out.push({ role: 'assistant', content: reply });
      }
    }
    return out;
  }
}

export function normaliseModels(models: readonly string[]): string[] {
  const out = models.map((m) => m.trim()).filter((m) => m !== '').slice(0, MAX_COLUMNS);
  return out;
}

/** A rough token count (about 4 characters a token), for endpoints that send no usage. */
export function roughTokens(text: string): number {
  return text === '' ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Usage estimated from the request and the reply (each message costs about 4 tokens of framing, plus 3 for priming). */
export function estimateUsage(messages: readonly SimpleMessage[], reply: string): Usage {
  const prompt = messages.reduce((n, m) => n + 4 + roughTokens(m.content), 3);
  const completion = roughTokens(reply);
  return { prompt, completion, total: prompt + completion, estimated: true };
}
