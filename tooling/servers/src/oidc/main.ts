import { startIssuer } from './issuer.js';
import { OIDC_ISSUER_PORT, realmIssuerOptions } from './realm.js';

/**
 * Entry point of the detached OIDC issuer that 'weaviate-oidc' trusts
 * (`node --import tsx main.ts --port 8095`). Options: --port (default 8095), --host (default 127.0.0.1).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const issuer = await startIssuer(
  realmIssuerOptions(arg('--host') ?? '127.0.0.1', Number(arg('--port') ?? OIDC_ISSUER_PORT)),
);
console.log(`OIDC issuer listening on ${issuer.issuer} (pid ${process.pid})`);

let closing = false;
const stop = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`OIDC issuer: ${signal}, closing`);
  issuer.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
