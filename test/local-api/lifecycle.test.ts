/** The whole fine-tuning lifecycle through the official SDK, in both flavours, with every response spec-checked. */
import assert from 'node:assert/strict';
import { toFile, type APIError } from 'openai';
import type OpenAI from 'openai';
import { GOOD_JSONL, TOPICS, VALID_JSONL, driveUntil, uploadText, useLocalApi, type Flavour } from './helpers';

for (const flavour of ['openai', 'azure'] as const satisfies readonly Flavour[]) {
  describe(`local API lifecycle (${flavour} flavour)`, () => {
    const ctx = useLocalApi(flavour);

    it('uploads, trains, reports events and checkpoints, succeeds, lists the model and chats from the training data', async () => {
      const api = ctx.api();
      const c = ctx.client();
      assert.equal(api.baseURL, `${api.url}${flavour === 'azure' ? '/openai/v1' : '/v1'}`);

      // training file through /files (multipart), validation file through /uploads in two parts
      const training = await uploadText(c, GOOD_JSONL);
      assert.equal(training.purpose, 'fine-tune');
      assert.equal(training.bytes, Buffer.byteLength(GOOD_JSONL));
      const bytes = Buffer.from(VALID_JSONL);
      const upload = await c.uploads.create({ bytes: bytes.length, filename: 'valid.jsonl', mime_type: 'text/jsonl', purpose: 'fine-tune' });
      assert.equal(upload.status, 'pending');
      const half = Math.floor(bytes.length / 2);
      const p1 = await c.uploads.parts.create(upload.id, { data: await toFile(bytes.subarray(0, half), 'p1') });
      const p2 = await c.uploads.parts.create(upload.id, { data: await toFile(bytes.subarray(half), 'p2') });
      const done = await c.uploads.complete(upload.id, { part_ids: [p1.id, p2.id] });
      assert.equal(done.status, 'completed');
      assert.ok(done.file, 'a completed upload carries its file');
      const validationId = done.file.id;
      assert.equal(await (await c.files.content(validationId)).text(), VALID_JSONL);

      const files = await c.files.list();
      assert.deepEqual(new Set(files.data.map((f) => f.id)), new Set([training.id, validationId]));

      const created = await c.fineTuning.jobs.create({
        model: 'gpt-4o-mini',
        training_file: training.id,
        validation_file: validationId,
        suffix: 'demo',
        seed: 42,
        method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } },
        metadata: { run: 'lifecycle' },
      });
      assert.equal(created.status, 'validating_files');
      assert.equal(created.model, 'gpt-4o-mini-2024-07-18');
      assert.equal(created.fine_tuned_model, null);
      assert.equal(created.method?.supervised?.hyperparameters?.n_epochs, 3);

      // nothing moves until the clock does
      assert.equal((await c.fineTuning.jobs.retrieve(created.id)).status, 'validating_files');
      const queued = await driveUntil(api, c, created.id, ['queued']);
      assert.equal(queued.hyperparameters.n_epochs, 3);
      assert.equal(typeof queued.hyperparameters.batch_size, 'number');
      const running = await driveUntil(api, c, created.id, ['running']);
      assert.ok(running.estimated_finish && running.estimated_finish > running.created_at);

      // mid-run: some metrics, no model yet
      api.clock.advance(20_000);
      const mid = await c.fineTuning.jobs.retrieve(created.id);
      assert.equal(mid.status, 'running');
      assert.equal(mid.fine_tuned_model, null);

      const finished = await driveUntil(api, c, created.id, ['succeeded', 'failed', 'cancelled'], 5000);
      assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
      assert.ok(finished.fine_tuned_model);
      const ftModel = finished.fine_tuned_model;
      if (flavour === 'openai') assert.match(ftModel, /^ft:gpt-4o-mini-2024-07-18:org-local:demo:[A-Za-z0-9]{8}$/);
      else assert.match(ftModel, /^gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}-demo$/);
      assert.ok(finished.finished_at && finished.finished_at >= finished.created_at);
      assert.ok((finished.trained_tokens ?? 0) > 0);
      assert.equal(finished.result_files.length, 1);

      // events, newest first, in pages of 7; the SDK's auto-paging sees every one exactly once
      const firstPage = await c.fineTuning.jobs.listEvents(created.id, { limit: 7 });
      assert.equal(firstPage.data.length, 7);
      assert.equal(firstPage.hasNextPage(), true);
      assert.equal(firstPage.data[0]!.message, 'The job has successfully completed');
      const events: OpenAI.FineTuning.FineTuningJobEvent[] = [];
      let pages = 0;
      for (let page: typeof firstPage | null = firstPage; page; page = page.hasNextPage() ? await page.getNextPage() : null) {
        pages++;
        events.push(...page.data);
      }
      assert.ok(pages > 2);
      assert.equal(new Set(events.map((e) => e.id)).size, events.length);
      const chronological = [...events].reverse();
      assert.equal(chronological[0]!.message, `Created fine-tuning job: ${created.id}`);
      for (let i = 1; i < chronological.length; i++) assert.ok(chronological[i]!.created_at >= chronological[i - 1]!.created_at);
      const metrics = chronological.filter((e) => e.type === 'metrics');
      const total = (metrics[0]!.data as { total_steps: number }).total_steps;
      assert.equal(metrics.length, total);
      const m = metrics.map((e) => e.data as { step: number; train_loss: number; train_mean_token_accuracy: number; valid_loss: number; valid_mean_token_accuracy: number });
      assert.deepEqual(m.map((x) => x.step), Array.from({ length: total }, (_, i) => i + 1));
      const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const q = Math.max(1, Math.floor(total / 4));
      assert.ok(avg(m.slice(-q).map((x) => x.train_loss)) < avg(m.slice(0, q).map((x) => x.train_loss)) * 0.6, 'train loss falls');
      assert.ok(avg(m.slice(-q).map((x) => x.valid_loss)) < avg(m.slice(0, q).map((x) => x.valid_loss)), 'valid loss falls');
      assert.ok(avg(m.slice(-q).map((x) => x.train_mean_token_accuracy)) > avg(m.slice(0, q).map((x) => x.train_mean_token_accuracy)), 'accuracy rises');
      assert.ok(avg(m.slice(-q).map((x) => x.valid_mean_token_accuracy)) > avg(m.slice(0, q).map((x) => x.valid_mean_token_accuracy)), 'valid accuracy rises');
      assert.ok(m.every((x) => x.train_loss > 0 && x.train_mean_token_accuracy > 0 && x.train_mean_token_accuracy <= 1));

      // checkpoints: one per epoch (the last three), newest first
      const ckpts = await c.fineTuning.jobs.checkpoints.list(created.id);
      assert.equal(ckpts.data.length, 3);
      const steps = ckpts.data.map((k) => k.step_number);
      assert.deepEqual(steps, [total, (total * 2) / 3, total / 3]);
      assert.ok(ckpts.data.every((k) => k.fine_tuned_model_checkpoint === `${ftModel}:ckpt-step-${k.step_number}`));
      assert.ok(ckpts.data.every((k) => typeof k.metrics.full_valid_loss === 'number'));
      const ckptPage = await c.fineTuning.jobs.checkpoints.list(created.id, { limit: 2 });
      assert.equal(ckptPage.data.length, 2);
      assert.equal(ckptPage.hasNextPage(), true);
      assert.deepEqual((await ckptPage.getNextPage()).data.map((k) => k.step_number), [total / 3]);

      // result file: CSV of step metrics
      const result = await c.files.retrieve(finished.result_files[0]!);
      assert.equal(result.purpose, 'fine-tune-results');
      const csv = (await (await c.files.content(result.id)).text()).trim().split('\n');
      assert.equal(csv[0], 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy');
      assert.equal(csv.length, total + 1);
      assert.equal(Number(csv[1]!.split(',')[1]), m[0]!.train_loss);

      // the model is listed
      const models = await c.models.list();
      assert.ok(models.data.some((x) => x.id === ftModel));
      assert.ok(models.data.some((x) => x.id === 'gpt-4o-mini-2024-07-18'));
      assert.equal((await c.models.retrieve(ftModel)).owned_by, 'org-local');

      // jobs list with paging, and the metadata filter
      const second = await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: training.id });
      const list1 = await c.fineTuning.jobs.list({ limit: 1 });
      assert.deepEqual(list1.data.map((j) => j.id), [second.id]);
      assert.equal(list1.hasNextPage(), true);
      assert.deepEqual((await list1.getNextPage()).data.map((j) => j.id), [created.id]);
      const byMeta = await c.fineTuning.jobs.list({ metadata: { run: 'lifecycle' } });
      assert.deepEqual(byMeta.data.map((j) => j.id), [created.id]);

      // chat: with Azure, a fine-tuned model needs a deployment first
      let chatModel = ftModel;
      if (flavour === 'azure') {
        await assert.rejects(
          c.chat.completions.create({ model: ftModel, messages: [{ role: 'user', content: 'hi' }] }),
          (e: APIError) => e.status === 404 && e.code === 'DeploymentNotFound',
        );
        api.deploy('my-ft', ftModel);
        chatModel = 'my-ft';
      }
      const [prompt, reply] = TOPICS[8]; // git
      const answer = await c.chat.completions.create({
        model: chatModel,
        messages: [{ role: 'user', content: 'how can I undo the last git commit and keep my changes' }],
      });
      assert.equal(answer.choices[0]!.message.content, reply, `nearest to "${prompt}"`);
      assert.equal(answer.model, ftModel);
      assert.equal(answer.choices[0]!.finish_reason, 'stop');
      assert.ok(answer.usage && answer.usage.total_tokens === answer.usage.prompt_tokens + answer.usage.completion_tokens);

      // streaming, with usage
      const stream = await c.chat.completions.create({
        model: chatModel,
        messages: [{ role: 'user', content: 'what is the capital city of australia' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | null | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, TOPICS[1][1]);
      assert.ok(chunks > 3);
      assert.equal(finish, 'stop');
      assert.ok(usage && usage.completion_tokens > 0);

      // a checkpoint can be chatted with too (OpenAI)
      if (flavour === 'openai') {
        const fromCkpt = await c.chat.completions.create({
          model: ckpts.data[1]!.fine_tuned_model_checkpoint,
          messages: [{ role: 'user', content: 'who painted the mona lisa' }],
        });
        assert.equal(fromCkpt.choices[0]!.message.content, TOPICS[7][1]);
      }

      // a base model gives the generic reply, not training data
      const base = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'who painted the mona lisa' }] });
      assert.match(base.choices[0]!.message.content ?? '', /local stand-in/);
      assert.equal(base.model, 'gpt-4o-mini-2024-07-18');

      // deleting the model removes it from /models and from chat
      const del = await c.models.delete(ftModel);
      assert.equal(del.deleted, true);
      assert.ok(!(await c.models.list()).data.some((x) => x.id === ftModel));
      await assert.rejects(c.models.retrieve(ftModel), (e: APIError) => e.status === 404);

      assert.ok(ctx.checker().checked > 30, `spec-checked ${ctx.checker().checked} bodies/chunks`);
    });
  });
}
