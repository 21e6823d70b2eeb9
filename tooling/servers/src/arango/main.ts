import { startReplayServer } from './replay-server.js';

/**
 * Entry point of the detached `arango-replay` server (`node --import tsx main.ts --port 8529`).
 * Options: --port (default $ARANGO_REPLAY_PORT or 8529), --host (default 127.0.0.1).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const port = Number(arg('--port') ?? process.env.ARANGO_REPLAY_PORT ?? 8529);
const host = arg('--host') ?? process.env.ARANGO_REPLAY_HOST ?? '127.0.0.1';

const server = await startReplayServer({ port, host });
console.log(
  `arango-replay listening on ${server.url}: ${server.engine.recordingCount} recordings, ` +
    `${server.engine.validator?.operations.length ?? 0} OpenAPI operations (pid ${process.pid})`,
);

let closing = false;
const stop = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`arango-replay: ${signal}, closing`);
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
