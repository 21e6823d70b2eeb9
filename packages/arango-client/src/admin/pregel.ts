/**
 * Pregel graph processing (`db.pregel`, seed: "Pregel"). ArangoDB 3.12 removed Pregel: there every
 * call fails with the operation's error class and a message saying so (see `PregelError`).
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import { PregelJobCreateError, PregelJobDeleteError, PregelJobGetError } from './errors.js';
import { required, segment } from './util.js';

/** The seed's `create_job` keyword arguments. */
export interface CreatePregelJobOptions extends CallOptions {
  /** Name of the named graph to run on. */
  graph: string;
  /** "pagerank", "sssp", "wcc", "scc", "labelpropagation", ... */
  algorithm: string;
  /** Write results back into the documents (default true on the server). */
  store?: boolean;
  /** Maximum number of global supersteps (`maxGSS`). */
  maxGss?: number;
  /** Threads per worker (`parallelism`). */
  threadCount?: number;
  /** Asynchronous mode for algorithms that support it (`async`). */
  asyncMode?: boolean;
  /** Document attribute the results are written to. */
  resultField?: string;
  /** Further algorithm parameters, e.g. `{ threshold: 0.000001 }`. */
  algorithmParams?: Record<string, unknown>;
}

/** Body of POST /_api/control_pregel. Pure. */
export function createPregelJobBody(o: CreatePregelJobOptions): Record<string, unknown> {
  const params: Record<string, unknown> = { ...o?.algorithmParams };
  if (o.store !== undefined) params.store = o.store;
  if (o.maxGss !== undefined) params.maxGSS = o.maxGss;
  if (o.threadCount !== undefined) params.parallelism = o.threadCount;
  if (o.asyncMode !== undefined) params.async = o.asyncMode;
  if (o.resultField !== undefined) params.resultField = o.resultField;
  const body: Record<string, unknown> = {
    algorithm: required('algorithm', o.algorithm),
    graphName: required('graph', o.graph),
  };
  if (Object.keys(params).length) body.params = params;
  return body;
}

/** A Pregel job's state as the server reports it (`state`, `gss`, `totalRuntime`, ...). */
export type PregelJob = Record<string, any> & { id: string; state: string; algorithm: string };

/** The Pregel API wrapper (`db.pregel`; seed: `Pregel`). */
export class Pregel extends ApiGroup {
  /** Starts a job and returns its id (seed: `create_job`). */
  async createJob(o: CreatePregelJobOptions): Promise<string> {
    return this._call(
      this._req('POST', '/_api/control_pregel', { body: createPregelJobBody(o) }),
      PregelJobCreateError,
      o,
      (body) => String(body),
    );
  }

  /** A job's state and statistics (seed: `job`). */
  async job(jobId: string, options?: CallOptions): Promise<PregelJob> {
    return this._call(
      this._req('GET', `/_api/control_pregel/${segment('jobId', jobId)}`),
      PregelJobGetError,
      options,
    );
  }

  /** Cancels a job and deletes its results (seed: `delete_job`). Returns true. */
  async deleteJob(jobId: string, options?: CallOptions): Promise<boolean> {
    return this._call(
      this._req('DELETE', `/_api/control_pregel/${segment('jobId', jobId)}`),
      PregelJobDeleteError,
      options,
      () => true,
    );
  }

  /** All current jobs (ArangoDB 3.9+). */
  async jobs(options?: CallOptions): Promise<PregelJob[]> {
    return this._call(this._req('GET', '/_api/control_pregel'), PregelJobGetError, options);
  }

  /** Persisted statistics of finished jobs, or of one job with `jobId` (ArangoDB 3.10+). */
  async jobHistory(jobId?: string, options?: CallOptions): Promise<PregelJob[] | PregelJob> {
    const path = jobId === undefined ? '' : `/${segment('jobId', jobId)}`;
    return this._call(this._req('GET', `/_api/control_pregel/history${path}`), PregelJobGetError, options);
  }

  /** Removes persisted statistics of all jobs, or of one with `jobId` (ArangoDB 3.10+). Returns true. */
  async deleteJobHistory(jobId?: string, options?: CallOptions): Promise<boolean> {
    const path = jobId === undefined ? '' : `/${segment('jobId', jobId)}`;
    return this._call(
      this._req('DELETE', `/_api/control_pregel/history${path}`),
      PregelJobDeleteError,
      options,
      () => true,
    );
  }
}
