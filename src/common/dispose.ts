import type * as vscode from 'vscode';

export interface IDisposable {
  dispose(): unknown;
}

/** Disposes every item, collecting failures; throws an AggregateError if any item threw. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose');
}

/**
 * Base class for every long-lived object: what it creates it `_register`s, and `dispose()` releases all of it once.
 * Registering on an already disposed object disposes the value at once, so late registrations cannot leak.
 */
export abstract class Disposable implements vscode.Disposable {
  #disposed = false;
  readonly #children: IDisposable[] = [];

  protected get isDisposed(): boolean {
    return this.#disposed;
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this.#disposed) {
      value.dispose();
    } else {
      this.#children.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    disposeAll(this.#children.splice(0).reverse());
  }
}
