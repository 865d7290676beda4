/** Source lines (Tuneline's OpenAI-shaped formats) shared by the trainer export tests, and their helpers. */
import type { exportText } from '../../../src/core/export';

export const j = (o: unknown) => JSON.stringify(o);
type Result = ReturnType<typeof exportText>;
/** The lines of the first (training data) file. */
export const data = (r: Result) => r.files[0]!.text.split('\n').filter(Boolean);
/** `line:severity:code` of every check (0-based line, `-` for file-level). */
export const codes = (r: Result) => r.summary.checks.map((c) => `${c.line ?? '-'}:${c.severity}:${c.code}`);

export const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

/** developer prompt, a tool call (arguments a JSON string), its result, a final answer with weight 1. */
export const TOOLS = j({
  messages: [
    { role: 'developer', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: '18C' },
    { role: 'assistant', content: 'It is 18C.', weight: 1 },
  ],
  tools: [WEATHER_TOOL],
});

/** Two turns, the first answer with weight 0; content as text parts. */
export const WEIGHTS = j({
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }] },
    { role: 'assistant', content: 'Hello', weight: 0 },
    { role: 'user', content: 'Bye' },
    { role: 'assistant', content: 'Bye!' },
  ],
});

export const COMPLETION = j({ prompt: 'Capital of France?', completion: 'Paris.' });

export const DPO = j({
  input: { messages: [{ role: 'system', content: 'Answer in one word.' }, { role: 'user', content: 'Sky colour?' }] },
  preferred_output: [{ role: 'assistant', content: 'Blue.' }],
  non_preferred_output: [{ role: 'assistant', content: 'The sky is blue because of Rayleigh scattering.' }],
});

export const BAD = {
  notJson: '{"messages": [',
  role: j({ messages: [{ role: 'critic', content: 'x' }, { role: 'assistant', content: 'y' }] }),
  image: j({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }, { role: 'assistant', content: 'A cat.' }] }),
  argsNotJson: j({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: "{city: 'Paris'}" } }] }] }),
  argsDouble: j({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: JSON.stringify('{"city":"Paris"}') } }] }] }),
  argsArray: j({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }] }),
  noAssistant: j({ messages: [{ role: 'system', content: 'x' }, { role: 'user', content: 'y' }] }),
};

export const file = (...lines: string[]) => lines.join('\n') + '\n';

/** TOOLS, WEIGHTS and COMPLETION in the Hugging Face chat shape (TRL and MLX-LM): arguments as objects, no weights. */
export const HF_EXPECTED = [
  j({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: '18C', tool_call_id: 'c1', name: 'get_weather' },
      { role: 'assistant', content: 'It is 18C.' },
    ],
    tools: [WEATHER_TOOL],
  }),
  j({
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Bye' },
      { role: 'assistant', content: 'Bye!' },
    ],
  }),
  j({ messages: [{ role: 'user', content: 'Capital of France?' }, { role: 'assistant', content: 'Paris.' }] }),
];
