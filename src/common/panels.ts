import { disposeAll, type IDisposable } from './dispose';

/**
 * One webview panel per key (a job, a dataset, a results file): `open` reveals the key's panel or creates it, and a
 * panel leaves the map when it is disposed (the user closed it). Disposing the map disposes every panel.
 */
export class PanelMap<P extends IDisposable & { reveal(): void }> implements IDisposable {
  private readonly panels = new Map<string, P>();

  /** The key's panel (revealed when `reveal`), or a new one: `create` gets the callback its dispose must call. */
  open(key: string, create: (onDisposed: () => void) => P, reveal = true): P {
    const existing = this.panels.get(key);
    if (existing) {
      if (reveal) existing.reveal();
      return existing;
    }
    const panel = create(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    this.panels.set(key, panel);
    return panel;
  }

  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  values(): P[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    const all = [...this.panels.values()];
    this.panels.clear();
    disposeAll(all);
  }
}
