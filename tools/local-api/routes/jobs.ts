/** `/fine_tuning/jobs`: create, list, retrieve, cancel, pause, resume, events, checkpoints. */
import { json, page, parseJsonObject, queryLimit } from '../http';
import { jobObject } from '../jobs';
import type { Router } from '../router';

export function registerJobRoutes(router: Router): void {
  router.post('/fine_tuning/jobs', ({ body, server }) =>
    json(jobObject(server.jobs.create(parseJsonObject(body)), server.organization)),
  );

  router.get('/fine_tuning/jobs', ({ query, server }) => {
    const metadata: Record<string, string> = {};
    for (const [k, v] of query) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) metadata[m[1]!] = v;
    }
    const limit = queryLimit(query, 20, 100);
    const { data, has_more } = page(server.jobs.list(metadata), query.get('after'), limit);
    return json({ object: 'list', data: data.map((j) => jobObject(j, server.organization)), has_more });
  });

  router.get('/fine_tuning/jobs/{fine_tuning_job_id}', ({ params, server }) =>
    json(jobObject(server.jobs.get(params['fine_tuning_job_id']!), server.organization)),
  );

  for (const action of ['cancel', 'pause', 'resume'] as const) {
    router.post(`/fine_tuning/jobs/{fine_tuning_job_id}/${action}`, ({ params, server }) =>
      json(jobObject(server.jobs[action](params['fine_tuning_job_id']!), server.organization)),
    );
  }

  router.get('/fine_tuning/jobs/{fine_tuning_job_id}/events', ({ params, query, server }) => {
    const job = server.jobs.get(params['fine_tuning_job_id']!);
    const limit = queryLimit(query, 20, 100);
    const { data, has_more } = page([...job.events].reverse(), query.get('after'), limit);
    return json({ object: 'list', data, has_more });
  });

  router.get('/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints', ({ params, query, server }) => {
    const job = server.jobs.get(params['fine_tuning_job_id']!);
    const limit = queryLimit(query, 10, 100);
    // the service keeps the checkpoints of the last three epochs
    const kept = job.checkpoints.slice(-3).reverse();
    const { data, has_more } = page(kept, query.get('after'), limit);
    return json({
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
      has_more,
    });
  });
}
