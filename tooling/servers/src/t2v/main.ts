import { startInferenceServer } from './server.js';

/**
 * Entry point of the detached inference service that the 'weaviate' test server's
 * text2vec-transformers module calls (`node --import tsx main.ts --port 8090`).
 * Options: --port (default $T2V_PORT or 8090), --host (default $T2V_HOST or 127.0.0.1).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const port = Number(arg('--port') ?? process.env.T2V_PORT ?? 8090);
const host = arg('--host') ?? process.env.T2V_HOST ?? '127.0.0.1';

const server = await startInferenceServer({ host, port });
console.log(`t2v inference service listening on ${server.url} (pid ${process.pid})`);

let closing = false;
const stop = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`t2v inference service: ${signal}, closing`);
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
