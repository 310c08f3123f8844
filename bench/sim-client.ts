// The bench's handle on the simulated-agents process.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimCommand, SimReply } from './sim-protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export class SimFleet {
  private constructor(private readonly child: ChildProcess) {}

  static start(): SimFleet {
    const child = fork(path.join(here, 'sim-agents.ts'), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new SimFleet(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends one command and waits for its reply (one command at a time). */
  request<T extends SimReply['type']>(command: SimCommand, expect: T): Promise<Extract<SimReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`simulated agents exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: SimReply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`simulated agents: ${reply.message}`));
        else if (reply.type !== expect) reject(new Error(`simulated agents answered ${reply.type}, expected ${expect}`));
        else resolve(reply as Extract<SimReply, { type: T }>);
      });
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.request({ cmd: 'close' }, 'closed').catch(() => {});
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
