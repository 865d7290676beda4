/** `/models`: list (base models and fine-tuned ones), retrieve, delete a fine-tuned model. */
import { ApiError, json, notFound } from '../http';
import { BASE_MODELS, offeredBy } from '../models';
import type { Router } from '../router';
import type { ServerContext } from '../context';

function allModels(server: ServerContext): { id: string; object: 'model'; created: number; owned_by: string }[] {
  const base = BASE_MODELS.filter((m) => offeredBy(m, server.flavour.name)).map((m) => ({ id: m.id, object: 'model' as const, created: m.created, owned_by: m.owned_by }));
  const ft = [...server.state.fineTunedModels.values()]
    .filter((m) => !server.state.deletedModels.has(m.id))
    .map((m) => ({ id: m.id, object: 'model' as const, created: m.created, owned_by: m.owned_by }));
  return [...base, ...ft];
}

const modelNotFound = (id: string): ApiError =>
  notFound(`The model '${id}' does not exist`, 'model', 'model_not_found');

export function registerModelRoutes(router: Router): void {
  router.get('/models', ({ server }) => json({ object: 'list', data: allModels(server) }));

  router.get('/models/{model}', ({ params, server }) => {
    const m = allModels(server).find((x) => x.id === params['model']);
    if (!m) throw modelNotFound(params['model']!);
    return json(m);
  });

  router.delete('/models/{model}', ({ params, server }) => {
    const id = params['model']!;
    const ft = server.state.fineTunedModels.get(id);
    if (!ft || server.state.deletedModels.has(id)) {
      if (BASE_MODELS.some((m) => m.id === id)) {
        throw new ApiError(403, 'You have insufficient permissions for this operation: only fine-tuned models can be deleted.', 'invalid_request_error', 'model', 'insufficient_permissions');
      }
      throw modelNotFound(id);
    }
    server.state.deletedModels.add(id);
    return json({ id, object: 'model', deleted: true });
  });
}
