/**
 * Every API route. To add a group of endpoints (e.g. `/batches` for issue 11), write `routes/batches.ts` with a
 * `registerBatchRoutes(router)` that adds its routes with the spec's path templates, and call it here.
 */
import { Router } from '../router';
import { registerBatchRoutes } from './batches';
import { registerChatRoutes } from './chat';
import { registerFileRoutes } from './files';
import { registerJobRoutes } from './jobs';
import { registerModelRoutes } from './models';
import { registerUploadRoutes } from './uploads';

export function buildRouter(): Router {
  const router = new Router();
  registerFileRoutes(router);
  registerUploadRoutes(router);
  registerJobRoutes(router);
  registerModelRoutes(router);
  registerChatRoutes(router);
  registerBatchRoutes(router);
  return router;
}
