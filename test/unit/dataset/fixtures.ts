/** Line pools shared by the dataset and validate tests. */
export const SYS = { role: 'system', content: 'You are terse.' };
export const USR = { role: 'user', content: 'What is the capital of France?' };
export const AST = { role: 'assistant', content: 'Paris.' };

export const chat = (i: number): string =>
  JSON.stringify({ messages: [SYS, { role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }] });
export const pref = (i: number): string =>
  JSON.stringify({
    input: { messages: [{ role: 'user', content: `Q${i}` }] },
    preferred_output: [{ role: 'assistant', content: 'Good.' }],
    non_preferred_output: [{ role: 'assistant', content: 'Bad.' }],
  });
export const comp = (i: number): string => JSON.stringify({ prompt: `P${i}`, completion: ` C${i}` });
export const rft = (i: number): string =>
  JSON.stringify({ messages: [{ role: 'developer', content: 'Be exact.' }, { role: 'user', content: `Sum ${i}+1?` }], reference_answer: String(i + 1) });

/** A mixed pool: valid lines of every format, broken lines, blanks, duplicates, multi-byte text. */
export const POOL: readonly string[] = [
  chat(1),
  chat(2),
  chat(3),
  chat(1), // duplicate of chat(1)
  pref(1),
  pref(2),
  comp(1),
  comp(2),
  rft(1),
  rft(2),
  '',
  '   ',
  '{"messages": [',
  '[1, 2, 3]',
  '"just a string"',
  '{}',
  JSON.stringify({ messages: [{ role: 'usr', content: 'Hi' }, { role: 'assistant', content: 'Yo', weight: 0.5 }] }),
  JSON.stringify({ messages: [USR, { role: 'assistant', content: 'Ça va — 日本語 🎉' }] }),
  JSON.stringify({ messages: [USR, AST], weight: 1 }),
  '\uFEFF' + chat(9),
  JSON.stringify({ messages: [USR, { role: 'assistant', content: 'x'.repeat(40) }] }),
];
