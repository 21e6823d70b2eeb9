/**
 * Foxx services (`db.foxx`, seed: "Foxx"): install, upgrade, replace and remove services (from a
 * server-side source, or by uploading a zip or JavaScript file with the `*WithFile` calls), their
 * configuration and dependencies, development mode, scripts and tests.
 */
import { readFile } from 'node:fs/promises';
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import { type ArangoRequest, serverError } from '../connection.js';
import { ArangoClientError } from '../errors.js';
import {
  FoxxCommitError,
  FoxxConfigGetError,
  FoxxConfigReplaceError,
  FoxxConfigUpdateError,
  FoxxDependencyGetError,
  FoxxDependencyReplaceError,
  FoxxDependencyUpdateError,
  FoxxDevModeDisableError,
  FoxxDevModeEnableError,
  FoxxDownloadError,
  FoxxReadmeGetError,
  FoxxScriptListError,
  FoxxScriptRunError,
  FoxxServiceCreateError,
  FoxxServiceDeleteError,
  FoxxServiceGetError,
  FoxxServiceListError,
  FoxxServiceReplaceError,
  FoxxServiceUpdateError,
  FoxxSwaggerGetError,
  FoxxTestRunError,
} from './errors.js';
import { required } from './util.js';

/** Install flags of `createService` / `createServiceWithFile` (query parameters). */
export interface FoxxInstallFlags extends CallOptions {
  /** Mount path, e.g. "/test_mount". */
  mount: string;
  /** Install in development mode. */
  development?: boolean;
  /** Run the setup script (server default true). */
  setup?: boolean;
  /** Install in 2.8 legacy compatibility mode. */
  legacy?: boolean;
}

/** Flags of the update/replace calls (query parameters). */
export interface FoxxUpgradeFlags extends CallOptions {
  mount: string;
  /** Run the old service's teardown script (server default true). */
  teardown?: boolean;
  setup?: boolean;
  legacy?: boolean;
  /** Install even when nothing is mounted at `mount` yet. */
  force?: boolean;
}

/** The service source of `createService`/`updateService`/`replaceService`. */
export interface FoxxSource {
  /** A URL or a path on the server's file system (zip, directory or JS file). */
  source: string;
  /** Configuration option values. */
  config?: Record<string, unknown>;
  /** Dependency mount paths. */
  dependencies?: Record<string, unknown>;
}

/** The uploaded file of the `*WithFile` calls. */
export interface FoxxFile {
  /** Local path of a `.zip` bundle or a single `.js` file. */
  filename: string;
}

const FLAGS = ['development', 'setup', 'legacy', 'teardown', 'force'] as const;

function serviceQuery(o: Partial<FoxxInstallFlags & FoxxUpgradeFlags>): Record<string, string | boolean> {
  const query: Record<string, string | boolean> = { mount: required('mount', o?.mount) };
  for (const k of FLAGS) if (o[k] !== undefined) query[k] = o[k];
  return query;
}

function sourceBody(o: Partial<FoxxSource>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (o.source !== undefined) body.source = o.source;
  if (o.config !== undefined) body.configuration = o.config;
  if (o.dependencies !== undefined) body.dependencies = o.dependencies;
  return body;
}

/**
 * The raw upload of a service file: a zip bundle as `application/zip`, anything else as a single
 * `application/javascript` service. A zip is recognised by its `PK\x03\x04` signature, not its name.
 */
export function serviceFileUpload(data: Uint8Array): { rawBody: Uint8Array; contentType: string } {
  const zip =
    data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  return { rawBody: data, contentType: zip ? 'application/zip' : 'application/javascript' };
}

async function fileRequest(
  method: ArangoRequest['method'],
  endpoint: string,
  db: string,
  o: FoxxFile & Partial<FoxxInstallFlags & FoxxUpgradeFlags>,
): Promise<ArangoRequest> {
  const query = serviceQuery(o);
  const filename = required('filename', o.filename);
  let data: Uint8Array;
  try {
    data = await readFile(filename);
  } catch (err) {
    throw new ArangoClientError(`cannot read service file ${filename}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const { rawBody, contentType } = serviceFileUpload(data);
  return { method, endpoint, db, query, rawBody, headers: { 'content-type': contentType } };
}

/** The Foxx API wrapper (`db.foxx`; seed: `Foxx`). */
export class Foxx extends ApiGroup {
  /** Installed services (seed: `services(exclude_system=False)`). */
  async services(o: CallOptions & { excludeSystem?: boolean } = {}): Promise<Array<Record<string, any>>> {
    return this._call(
      this._req('GET', '/_api/foxx', { query: { excludeSystem: o.excludeSystem } }),
      FoxxServiceListError,
      o,
    );
  }

  /** A service's metadata and manifest (seed: `service`). */
  async service(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this._req('GET', '/_api/foxx/service', { query: { mount: required('mount', mount) } }),
      FoxxServiceGetError,
      options,
    );
  }

  /** Installs a service from a source on the server or a URL (seed: `create_service`). */
  async createService(o: FoxxInstallFlags & FoxxSource): Promise<Record<string, any>> {
    required('source', o?.source);
    return this._call(
      this._req('POST', '/_api/foxx', { query: serviceQuery(o), body: sourceBody(o) }),
      FoxxServiceCreateError,
      o,
    );
  }

  /** Installs a service by uploading a zip or JS file (seed: `create_service_with_file`). */
  async createServiceWithFile(o: FoxxInstallFlags & FoxxFile): Promise<Record<string, any>> {
    const req = await fileRequest('POST', '/_api/foxx', this._db, o);
    return this._call(req, FoxxServiceCreateError, o);
  }

  /** Upgrades a service, keeping its configuration (seed: `update_service`; PATCH). */
  async updateService(o: FoxxUpgradeFlags & Partial<FoxxSource>): Promise<Record<string, any>> {
    return this._call(
      this._req('PATCH', '/_api/foxx/service', { query: serviceQuery(o), body: sourceBody(o) }),
      FoxxServiceUpdateError,
      o,
    );
  }

  /** Upgrades a service from an uploaded zip or JS file (seed: `update_service_with_file`). */
  async updateServiceWithFile(o: FoxxUpgradeFlags & FoxxFile): Promise<Record<string, any>> {
    const req = await fileRequest('PATCH', '/_api/foxx/service', this._db, o);
    return this._call(req, FoxxServiceUpdateError, o);
  }

  /** Replaces a service, dropping its configuration (seed: `replace_service`; PUT). */
  async replaceService(o: FoxxUpgradeFlags & Partial<FoxxSource>): Promise<Record<string, any>> {
    return this._call(
      this._req('PUT', '/_api/foxx/service', { query: serviceQuery(o), body: sourceBody(o) }),
      FoxxServiceReplaceError,
      o,
    );
  }

  /** Replaces a service with an uploaded zip or JS file (seed: `replace_service_with_file`). */
  async replaceServiceWithFile(o: FoxxUpgradeFlags & FoxxFile): Promise<Record<string, any>> {
    const req = await fileRequest('PUT', '/_api/foxx/service', this._db, o);
    return this._call(req, FoxxServiceReplaceError, o);
  }

  /** Uninstalls a service (seed: `delete_service`). Returns true. */
  async deleteService(mount: string, o: CallOptions & { teardown?: boolean } = {}): Promise<boolean> {
    return this._call(
      this._req('DELETE', '/_api/foxx/service', { query: serviceQuery({ mount, teardown: o.teardown }) }),
      FoxxServiceDeleteError,
      o,
      () => true,
    );
  }

  /** A service's configuration options and values (seed: `config`). */
  async config(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this.#mountReq('GET', '/_api/foxx/configuration', mount), FoxxConfigGetError, options);
  }

  /** Changes the given configuration values (seed: `update_config(mount, config)`; PATCH). */
  async updateConfig(
    mount: string,
    o: CallOptions & { config: Record<string, unknown> },
  ): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('PATCH', '/_api/foxx/configuration', mount, o?.config),
      FoxxConfigUpdateError,
      o,
    );
  }

  /** Replaces the configuration; omitted values are reset (seed: `replace_config`; PUT). */
  async replaceConfig(
    mount: string,
    o: CallOptions & { config: Record<string, unknown> },
  ): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('PUT', '/_api/foxx/configuration', mount, o?.config),
      FoxxConfigReplaceError,
      o,
    );
  }

  /** A service's dependencies (seed: `dependencies`). */
  async dependencies(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('GET', '/_api/foxx/dependencies', mount),
      FoxxDependencyGetError,
      options,
    );
  }

  /** Changes the given dependencies (seed: `update_dependencies(mount, dependencies)`; PATCH). */
  async updateDependencies(
    mount: string,
    o: CallOptions & { dependencies: Record<string, unknown> },
  ): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('PATCH', '/_api/foxx/dependencies', mount, o?.dependencies),
      FoxxDependencyUpdateError,
      o,
    );
  }

  /** Replaces the dependencies (seed: `replace_dependencies`; PUT). */
  async replaceDependencies(
    mount: string,
    o: CallOptions & { dependencies: Record<string, unknown> },
  ): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('PUT', '/_api/foxx/dependencies', mount, o?.dependencies),
      FoxxDependencyReplaceError,
      o,
    );
  }

  /** Puts a service in development mode (seed: `enable_development`); returns its metadata. */
  async enableDevelopment(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('POST', '/_api/foxx/development', mount),
      FoxxDevModeEnableError,
      options,
    );
  }

  /** Takes a service out of development mode (seed: `disable_development`); returns its metadata. */
  async disableDevelopment(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(
      this.#mountReq('DELETE', '/_api/foxx/development', mount),
      FoxxDevModeDisableError,
      options,
    );
  }

  /** The service's README text; empty when it has none (seed: `readme`). */
  async readme(mount: string, options?: CallOptions): Promise<string> {
    return this._call(
      this.#mountReq('GET', '/_api/foxx/readme', mount),
      FoxxReadmeGetError,
      options,
      (body) => (typeof body === 'string' ? body : ''),
    );
  }

  /** The service's Swagger (OpenAPI 2) description (seed: `swagger`). */
  async swagger(mount: string, options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this.#mountReq('GET', '/_api/foxx/swagger', mount), FoxxSwaggerGetError, options);
  }

  /** The service bundle as zip bytes (seed: `download`). */
  async download(mount: string, options?: CallOptions): Promise<Uint8Array> {
    return this._call(
      { ...this.#mountReq('POST', '/_api/foxx/download', mount), binary: true },
      FoxxDownloadError,
      options,
      (body) => (body instanceof Uint8Array ? body : new Uint8Array(0)),
    );
  }

  /**
   * Writes the services in the database's file system copy to the database (seed: `commit`), e.g.
   * after restoring the `_apps` collection. A string argument (the seed's example passes a mount)
   * is accepted and has no effect: the call always covers every service of the database.
   */
  async commit(o: string | (CallOptions & { replace?: boolean }) = {}): Promise<boolean> {
    const options = typeof o === 'string' ? {} : o;
    return this._call(
      this._req('POST', '/_api/foxx/commit', { query: { replace: options.replace } }),
      FoxxCommitError,
      options,
      () => true,
    );
  }

  /** The service's scripts: `{ <name>: <title> }` (seed: `scripts`). */
  async scripts(mount: string, options?: CallOptions): Promise<Record<string, string>> {
    return this._call(this.#mountReq('GET', '/_api/foxx/scripts', mount), FoxxScriptListError, options);
  }

  /** Runs a service script with `arg` as its argument; returns its exports (seed: `run_script`). */
  async runScript(mount: string, name: string, arg?: unknown, options?: CallOptions): Promise<any> {
    return this._call(
      this.#mountReq(
        'POST',
        `/_api/foxx/scripts/${encodeURIComponent(required('script name', name))}`,
        mount,
        arg,
      ),
      FoxxScriptRunError,
      options,
    );
  }

  /**
   * Runs the service's tests (seed: `run_tests(mount, reporter, idiomatic, output_format,
   * name_filter)`); returns the report as the server sent it (JSON text, XML, ...).
   */
  async runTests(
    mount: string,
    o: CallOptions & {
      /** "default", "suite", "stream", "xunit" or "tap". */
      reporter?: string;
      /** Reporter's native format (XML for xunit, text for tap, JSON lines for stream). */
      idiomatic?: boolean;
      /** "json" (default), "xml", "text" or "jsonl": the Accept header. */
      outputFormat?: 'json' | 'xml' | 'text' | 'jsonl';
      /** Only tests whose full name contains this. */
      nameFilter?: string;
    } = {},
  ): Promise<string> {
    const accept = {
      xml: 'application/xml',
      text: 'text/plain',
      jsonl: 'application/x-ldjson',
      json: undefined,
    }[o.outputFormat ?? 'json'];
    const req: ArangoRequest = this._req('POST', '/_api/foxx/tests', {
      query: {
        mount: required('mount', mount),
        reporter: o.reporter ?? 'default',
        idiomatic: o.idiomatic,
        filter: o.nameFilter,
      },
      headers: accept ? { accept } : undefined,
    });
    const extra = this._exec.extraHeaders;
    return this._run(
      req,
      (res) => {
        if (res.status >= 200 && res.status < 300) return res.rawBody;
        throw serverError(FoxxTestRunError, req, res, extra);
      },
      o,
    );
  }

  #mountReq(method: ArangoRequest['method'], endpoint: string, mount: string, body?: unknown): ArangoRequest {
    return this._req(method, endpoint, { query: { mount: required('mount', mount) }, body });
  }
}
