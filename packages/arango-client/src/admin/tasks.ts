/**
 * Server-side JavaScript tasks on the database wrapper (seed: "Tasks"). Mixed into
 * `StandardDatabase` (see `./index.ts`). Tasks run in the database they were created in.
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import { TaskCreateError, TaskDeleteError, TaskGetError, TaskListError } from './errors.js';
import { required, segment, stripEnvelope } from './util.js';

/** A task as the server describes it. */
export interface TaskInfo {
  id: string;
  name: string;
  /** "periodic" or "timed". */
  type: string;
  /** Creation time, seconds since the epoch. */
  created: number;
  /** Seconds between runs (periodic tasks). */
  period?: number;
  offset?: number;
  command: string;
  /** Database the task runs in. */
  database: string;
  [k: string]: unknown;
}

/** The seed's `create_task` keyword arguments. */
export interface CreateTaskOptions extends CallOptions {
  /** JavaScript source run on the server; `params` is in scope. */
  command: string;
  name?: string;
  /** Passed to the command as `params`. */
  params?: unknown;
  /** Seconds before the first run. */
  offset?: number;
  /** Seconds between runs; absent: the task runs once. */
  period?: number;
  /** The task's id; absent: the server picks one. */
  taskId?: string;
}

/** Request of `createTask`: PUT /_api/tasks/{id} with `taskId`, POST /_api/tasks without. Pure. */
export function createTaskRequest(o: CreateTaskOptions): {
  method: 'POST' | 'PUT';
  endpoint: string;
  body: Record<string, unknown>;
} {
  const body: Record<string, unknown> = { command: required('command', o?.command) };
  if (o.name !== undefined) body.name = o.name;
  if (o.params !== undefined) body.params = o.params;
  if (o.offset !== undefined) body.offset = o.offset;
  if (o.period !== undefined) body.period = o.period;
  return o.taskId === undefined
    ? { method: 'POST', endpoint: '/_api/tasks', body }
    : { method: 'PUT', endpoint: `/_api/tasks/${segment('taskId', o.taskId)}`, body };
}

/** The task calls of the database wrapper (seed: "Tasks"). Applies to `StandardDatabase`. */
export class TaskManagement extends ApiGroup {
  /** All active tasks (seed: `tasks`). */
  async tasks(options?: CallOptions): Promise<TaskInfo[]> {
    return this._call(this._req('GET', '/_api/tasks'), TaskListError, options);
  }

  /** One task by id (seed: `task`). */
  async task(taskId: string, options?: CallOptions): Promise<TaskInfo> {
    return this._call(
      this._req('GET', `/_api/tasks/${segment('taskId', taskId)}`),
      TaskGetError,
      options,
      stripEnvelope,
    );
  }

  /**
   * Schedules a task (seed: `create_task(name, command, params, offset, period, task_id)`):
   * periodic with `period`, once (after `offset` seconds) without.
   */
  async createTask(o: CreateTaskOptions): Promise<TaskInfo> {
    const { method, endpoint, body } = createTaskRequest(o);
    return this._call(this._req(method, endpoint, { body }), TaskCreateError, o, stripEnvelope);
  }

  /** Deletes a task; false when missing and `ignoreMissing` (seed: `delete_task`). */
  async deleteTask(taskId: string, o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    return this._callIgnoreMissing(
      this._req('DELETE', `/_api/tasks/${segment('taskId', taskId)}`),
      TaskDeleteError,
      o,
      o,
    );
  }
}
