// One scenario against a Flux Notify stand-in, run twice: on `flux-speed all` (embedded) and on a
// server with two workers over PostgreSQL and Redis (skipped without them).
import { after, before, describe, it } from 'node:test';
import { createInstallation, distributedSkip, type Installation } from './distributed.js';
import { FakeFluxNotify } from './fake-flux-notify.js';
import { freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from './processes.js';

export type NotifyScenario = (baseUrl: string, notify: FakeFluxNotify) => Promise<void>;

export function describeNotifyStacks(opts: { title: string; name: string; env: Record<string, string>; test: string; scenario: NotifyScenario }): void {
  const notifyEnv = (notify: FakeFluxNotify) => ({ ...opts.env, FLUX_NOTIFY_URL: notify.url, FLUX_NOTIFY_API_KEY: 'k' });

  describe(`${opts.title}, embedded (flux-speed all)`, () => {
    const notify = new FakeFluxNotify();
    let proc: FluxProcess | undefined;
    let baseUrl: string;
    before(async () => {
      await notify.start();
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      proc = startFlux(`${opts.name}-all`, ['all'], { ...notifyEnv(notify), PORT: String(port), DATA_DIR: tempDir(opts.name) });
      await waitHealthy(baseUrl, proc);
    });
    after(async () => {
      await proc?.stop();
      await notify.stop();
    });
    it(opts.test, () => opts.scenario(baseUrl, notify));
  });

  describe(`${opts.title}, a server and two workers on PostgreSQL and Redis`, distributedSkip, () => {
    const notify = new FakeFluxNotify();
    const procs: FluxProcess[] = [];
    let install: Installation | undefined;
    let baseUrl: string;
    before(async () => {
      await notify.start();
      install = await createInstallation(notifyEnv(notify));
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      procs.push(startFlux(`${opts.name}-server`, ['server'], { ...install.env, PORT: String(port) }));
      procs.push(startFlux(`${opts.name}-worker-a`, ['worker'], install.env));
      procs.push(startFlux(`${opts.name}-worker-b`, ['worker'], install.env));
      await waitHealthy(baseUrl, procs[0]!);
    });
    after(async () => {
      for (const p of procs) await p.stop();
      await install?.drop();
      await notify.stop();
    });
    it(opts.test, () => opts.scenario(baseUrl, notify));
  });
}
