/**
 * The starter dataset the walkthrough writes: a small, valid supervised (chat) dataset with one example of each kind
 * of line a newcomer needs to see — plain single-turn, multi-turn, a tool call with its tool definition and result,
 * and an assistant turn with `weight: 0` (kept as context, not trained on). Twelve examples, so it passes the
 * 10-example minimum; the engine still warns that 50+ examples train better, which is the next thing to learn.
 */

const SYSTEM = 'You are Ada, the support assistant of Nimbus Notes. Answer in one or two friendly sentences.';

const PLAIN: ReadonlyArray<readonly [string, string]> = [
  ['How do I share a notebook?', 'Open the notebook, click Share in the top right corner and enter your teammate\'s email address.'],
  ['Can I use Nimbus Notes offline?', 'Yes. Everything you opened recently is available offline and syncs when you are back online.'],
  ['How do I export a note as PDF?', 'Open the note, choose File → Export → PDF, and pick where to save it.'],
  ['Is there a dark mode?', 'Yes: Settings → Appearance → Theme → Dark. It can also follow your system setting.'],
  ['How much storage do I get?', 'The free plan includes 2 GB; Pro includes 100 GB. You can see your usage under Settings → Storage.'],
  ['How do I restore a deleted note?', 'Deleted notes stay in Trash for 30 days: open Trash, select the note and click Restore.'],
  ['Can I add images to a note?', 'Drag an image into the note or paste it from the clipboard; images up to 25 MB are supported.'],
];

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_subscription',
      description: 'Look up the customer\'s current subscription plan and renewal date.',
      parameters: {
        type: 'object',
        properties: { customer_id: { type: 'string', description: 'The customer\'s id.' } },
        required: ['customer_id'],
      },
    },
  },
];

/** The starter dataset as JSONL text (one example per line, final newline). */
export function starterDataset(): string {
  const lines: unknown[] = [];
  for (const [q, a] of PLAIN) {
    lines.push({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: q }, { role: 'assistant', content: a }] });
  }
  // Multi-turn conversations.
  lines.push({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'I want to move my notes from another app.' },
      { role: 'assistant', content: 'Happy to help! Which app are your notes in right now?' },
      { role: 'user', content: 'Evernote.' },
      { role: 'assistant', content: 'Export them from Evernote as .enex files, then choose File → Import → Evernote in Nimbus Notes.' },
    ],
  });
  lines.push({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'My notes are not syncing.' },
      { role: 'assistant', content: 'Sorry about that. Are you signed in on both devices with the same account?' },
      { role: 'user', content: 'Yes, I am.' },
      { role: 'assistant', content: 'Then please sign out and back in on the device that is behind; that restarts the sync.' },
    ],
  });
  // A tool call: the assistant calls a declared function, the tool answers, the assistant replies.
  lines.push({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'When does my plan renew? My customer id is C-1042.' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_subscription', arguments: '{"customer_id":"C-1042"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"plan":"Pro","renews_on":"2027-03-01"}' },
      { role: 'assistant', content: 'Your Pro plan renews on 1 March 2027.' },
    ],
    tools: TOOLS,
  });
  lines.push({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Which plan am I on? I am customer C-2210.' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_subscription', arguments: '{"customer_id":"C-2210"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"plan":"Free","renews_on":null}' },
      { role: 'assistant', content: 'You are on the free plan, which does not renew; you can upgrade any time under Settings → Plan.' },
    ],
    tools: TOOLS,
  });
  // weight 0: the first assistant turn is kept as context but not trained on (say, a reply you do not want to teach).
  lines.push({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Can I get a refund?' },
      { role: 'assistant', content: 'No.', weight: 0 },
      { role: 'user', content: 'That is not very helpful.' },
      { role: 'assistant', content: 'Sorry! Pro plans can be refunded within 14 days of purchase: write to billing@nimbus.example and we will handle it.', weight: 1 },
    ],
  });
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}
