import type { Logger } from 'pino';
import { ConfigError, flagToVariable, readEnvironment } from '../config/env.js';
import { loadServerConfig, type Role } from '../config/server.js';
import { parseArgs } from './args.js';
import { runServerProcess } from './commands/run.js';
import { runMigrate } from './commands/migrate.js';
import { runUser } from './commands/user.js';
import { runAgentProcess } from './commands/agent.js';
import { runToken } from './commands/token.js';
import { loadAgentConfig } from '../config/agent.js';
import { BENCH_OPTIONS, runBenchCommand } from './commands/bench.js';

const USAGE = `flux-speed — network performance observatory

Usage: flux-speed <command> [--flag value …]

Commands:
  all                 server + worker + built-in agent in one process (what \`npm start\` runs)
  server              the HTTP API and UI (needs DATABASE_URL and REDIS_URL)
  worker              schedules, alerts, rollups (needs DATABASE_URL and REDIS_URL)
  agent               a test agent (SPEED_SERVER_URL, AGENT_NAME, AGENT_LOCATION, AGENT_TOKEN)
  migrate             apply database migrations and exit
  user add NAME [--role admin|operator|viewer] [--password P]
  user passwd NAME [--password P]
  token create [--name N] [--expires-in-days D]   an agent registration token
  bench [ingest fleet scheduler queries engine embedded] [--quick]   benchmarks into BENCHMARKS.md

Configuration comes from environment variables; --some-flag value sets SOME_FLAG.
See README.md for the variables.`;

/** Command options that are not configuration variables. */
const COMMAND_OPTIONS = new Set(['role', 'password', 'help', 'name', 'expires-in-days', ...BENCH_OPTIONS]);

export async function main(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv);
  const [command, ...rest] = positionals;
  if (!command || options.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command || options.help ? 0 : 2;
  }
  const overrides: Record<string, string> = {};
  for (const [flag, value] of Object.entries(options)) {
    if (!COMMAND_OPTIONS.has(flag)) overrides[flagToVariable(flag)] = value === true ? 'true' : value;
  }
  const env = readEnvironment(overrides);
  const load = (role: Role) => loadServerConfig(env, role);
  switch (command) {
    case 'all':
    case 'server':
    case 'worker':
      return runServerProcess(load(command), command);
    case 'migrate':
      return runMigrate(load('migrate'));
    case 'user':
      return runUser(load('tool'), rest, options);
    case 'token':
      return runToken(load('tool'), rest, options);
    case 'agent':
      return runAgentProcess(loadAgentConfig(env));
    case 'bench':
      return runBenchCommand(env, rest, options);
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

export function reportFatal(error: unknown, log?: Logger): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`flux-speed: ${error.message}\n`);
    return 2;
  }
  if (log) log.fatal({ err: error }, 'fatal error');
  process.stderr.write(`flux-speed: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands keep the event loop alive themselves; one-shot commands end here.
    if (code !== -1) process.exit(code);
  },
  (error) => process.exit(reportFatal(error)),
);
