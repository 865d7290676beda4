/**
 * Azure Resource Manager sign-in on the VS Code side: VS Code's built-in Microsoft authentication provider wrapped as
 * a `TokenCredential` (what `AzureDeployer` in `src/api/azureDeploy.ts` takes), so the extension needs no
 * `@azure/identity`. The token is never logged; VS Code asks the user to sign in the first time (`createIfNone`).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import { ARM_SCOPE } from '../api/providers/azure';

/** The scope VS Code's Microsoft provider is asked for (ARM's `.default` scope). */
export const ARM_SIGN_IN_SCOPES: readonly string[] = [ARM_SCOPE];

/**
 * A `TokenCredential` over `vscode.authentication.getSession('microsoft', …)`. `silent`: never asks the user to sign
 * in (background reads); without a session the token is null and the SDK's call fails as unauthenticated.
 */
export function microsoftSignInCredential(opts: { readonly silent?: boolean } = {}): TokenCredential {
  return {
    async getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (options?.abortSignal?.aborted) return null;
      if (opts.silent) {
        const quiet = await vscode.authentication.getSession('microsoft', [...ARM_SIGN_IN_SCOPES], { silent: true });
        return quiet ? { token: quiet.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 } : null;
      }
      const session = await vscode.authentication.getSession('microsoft', [...ARM_SIGN_IN_SCOPES], { createIfNone: true });
      // VS Code refreshes the session itself; the SDK asks again when it thinks the token is old.
      return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
    },
  };
}
