#!/usr/bin/env -S npx tsx
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { down, logDir, provision, serverNames, status, up } from './index.js';
import type { ServerName } from './types.js';

const log = (line: string) => console.log(line);
const [command = 'status', ...rest] = process.argv.slice(2);
const names = (rest.length === 0 || rest.includes('all') ? serverNames : rest) as ServerName[];

async function main(): Promise<void> {
  switch (command) {
    case 'provision':
      await provision(names, log);
      break;
    case 'up': {
      const infos = await up(names, log);
      for (const info of infos)
        console.log(`${info.name}: ${info.endpoints.join(', ')}${info.external ? ' (external)' : ''}`);
      break;
    }
    case 'down':
      await down(names, log);
      break;
    case 'status':
      for (const s of await status(names)) {
        console.log(
          `${s.name.padEnd(16)} ${s.ready ? 'ready' : s.running ? 'starting/unhealthy' : 'stopped'}${s.external ? ' (external)' : ''}`,
        );
      }
      break;
    case 'logs':
      for (const name of names) {
        const dir = logDir(name);
        for (const f of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
          console.log(`==> ${join(dir, f)} <==`);
          console.log(readFileSync(join(dir, f), 'utf8').split('\n').slice(-60).join('\n'));
        }
      }
      break;
    default:
      console.error('usage: pnpm servers up|down|status|logs|provision [name... | all]');
      console.error(`servers: ${serverNames.join(', ')}`);
      process.exit(2);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
