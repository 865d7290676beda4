/** The error a cancelled engine operation rejects with (`name` is `AbortError`, as for `fetch` and streams). */
export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
