import type { ConnectionOptions } from 'node:tls';

/**
 * TLS settings shared by every package. PEM contents (string/Buffer) are used as is; packages that
 * accept file paths (gridgain-thin's `sslCafile` etc.) read them before building these options.
 */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Replaces Node's default roots when given. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate chain for mutual TLS, PEM. */
  cert?: string | Buffer;
  /** Client private key, PEM. */
  key?: string | Buffer;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** SNI name and the name checked against the certificate (defaults to the host). */
  servername?: string;
  /** Verify the server certificate chain and name. Default true: insecure is opt-in. */
  rejectUnauthorized?: boolean;
  minVersion?: ConnectionOptions['minVersion'];
  maxVersion?: ConnectionOptions['maxVersion'];
  ciphers?: string;
}

/** Node `tls.connect` options for `host`, verification on unless explicitly disabled. */
export function toNodeTlsOptions(tls: TlsOptions, host?: string): ConnectionOptions {
  const out: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized ?? true };
  if (tls.ca !== undefined) out.ca = tls.ca;
  if (tls.cert !== undefined) out.cert = tls.cert;
  if (tls.key !== undefined) out.key = tls.key;
  if (tls.passphrase !== undefined) out.passphrase = tls.passphrase;
  if (tls.minVersion !== undefined) out.minVersion = tls.minVersion;
  if (tls.maxVersion !== undefined) out.maxVersion = tls.maxVersion;
  if (tls.ciphers !== undefined) out.ciphers = tls.ciphers;
  const servername = tls.servername ?? (host && !isIpAddress(host) ? host : undefined);
  if (servername !== undefined) out.servername = servername;
  return out;
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
