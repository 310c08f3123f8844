import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { isTerminal } from './lifecycle.js';
import { presentRunDetail } from './present.js';
import { findRunDetail, type RunDetail } from './queries.js';
import { recentProgress, runChannel, type RunEvent } from './events.js';

const KEEPALIVE_MS = 15_000;

/**
 * Streams a run's life as server-sent events: `snapshot` (the run now), then `status` and
 * `progress` as they happen, and `result` (the full detail) when it ends. Works with any replica:
 * events travel over the bus.
 */
export async function streamRunEvents(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, run: RunDetail): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let closed = false;
  const subscription: { unsubscribe?: () => Promise<void> } = {};
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const finish = async () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    await subscription.unsubscribe?.().catch(() => {});
    res.end();
  };
  request.raw.on('close', () => void finish());

  const sendFinal = async () => {
    const detail = await findRunDetail(ctx.db, run.id);
    if (detail) send('result', presentRunDetail(detail, []));
    await finish();
  };

  // Subscribe before reading the snapshot so nothing falls between the two.
  let ending = false;
  subscription.unsubscribe = await ctx.bus.subscribe(runChannel(run.id), (message) => {
    if (closed || ending) return;
    const event = message as RunEvent;
    send(event.type, event);
    if (event.type === 'status' && isTerminal(event.status) && event.status !== 'timed_out') {
      ending = true;
      void sendFinal();
    }
  });
  const now = await findRunDetail(ctx.db, run.id);
  if (!now) return finish();
  send('snapshot', presentRunDetail(now, await recentProgress(ctx.bus, run.id)));
  if (isTerminal(now.status) && !ending) {
    ending = true;
    await sendFinal();
  }
}
