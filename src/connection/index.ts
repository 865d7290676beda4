/**
 * The provider connection on the VS Code side: keys in SecretStorage (`keys.ts`), the host guard that builds the one
 * `TunelineClient` from the settings (`provider.ts`), the notifier, and the key commands (`register.ts`). The client,
 * the uploader and the notifier are built once in `extension.ts` and handed to the features that talk to the provider
 * through `ConnectedContext`.
 */
import type { Uploader } from '../api/upload';
import type { FeatureContext } from '../common/feature';
import type { KeyStore } from './keys';
import type { Notifier } from './notify';
import type { ProviderService } from './provider';
import type { Retirements } from './retirement';

export interface ConnectedContext extends FeatureContext {
  readonly keys: KeyStore;
  readonly provider: ProviderService;
  readonly uploader: Uploader;
  readonly notify: Notifier;
  /** Retirement dates (catalogue, Azure ARM) and the one clock days left are counted with (issue 18). */
  readonly retirements: Retirements;
}

export { KeyStore } from './keys';
export { Notifier, tokenToSignal } from './notify';
export { ProviderService, type HostPrompt } from './provider';
export { Retirements } from './retirement';
