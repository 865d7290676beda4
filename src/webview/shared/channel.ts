/**
 * The page side of the typed message channel (see `src/common/webview.ts` for the host side). `acquireVsCodeApi` may
 * be called once per page: this module does it and is the only place that touches it.
 */
import type { Message } from '../../common/protocol/base';

export interface PageChannel<FromHost extends Message, ToHost extends Message, State> {
  post(message: ToHost): void;
  /** Registers the handler for host messages. */
  onMessage(handler: (message: FromHost) => void): void;
  /** Tells the host the page listens; call after `onMessage`. Queued host messages arrive after this. */
  ready(): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function createChannel<FromHost extends Message, ToHost extends Message, State>(
  isMessage: (value: unknown) => value is FromHost,
): PageChannel<FromHost, ToHost, State> {
  const api = acquireVsCodeApi<State>();
  let handler: ((message: FromHost) => void) | undefined;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only the host (through VS Code's outer frame) posts to this window.
    if (!isMessage(event.data)) return;
    handler?.(event.data);
  });
  return {
    post: (message) => api.postMessage(message),
    onMessage: (h) => {
      handler = h;
    },
    ready: () => api.postMessage({ type: 'ready' }),
    getState: () => api.getState(),
    setState: (state) => {
      api.setState(state);
    },
  };
}
