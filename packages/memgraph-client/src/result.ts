import { UsageError } from '@dbwire/core';
import type { Result as DriverResult, Record } from 'neo4j-driver-lite';
import { ResultConsumedError } from './errors.js';
import type { Funnel } from './funnel.js';
import { type EagerResult, type ResultSummary, summaryFromDriver } from './summary.js';

/**
 * The records of one query, readable once: either streamed (`for await (const record of result)`,
 * batches of `fetchSize` pulled as you iterate, so 100k records never sit in memory at once) or
 * collected (`await result.collect()`, or the Python driver's `data()`, `single()`, `consume()`).
 */
export class Result implements AsyncIterable<Record> {
  readonly #raw: DriverResult;
  readonly #funnel: Funnel;
  readonly #keys: string[];
  readonly #what: string;
  #read = false;

  /** @internal Built by `session.run` / `tx.run` once the server accepted the query. */
  constructor(raw: DriverResult, funnel: Funnel, keys: string[], what: string) {
    this.#raw = raw;
    this.#funnel = funnel;
    this.#keys = keys;
    this.#what = what;
  }

  /** The column names of the result (Python `result.keys()`). */
  keys(): string[] {
    return [...this.#keys];
  }

  #claim(how: string): void {
    if (this.#read) {
      throw new ResultConsumedError(
        `${how}: this result was already read; a result can be iterated or collected once`,
      );
    }
    this.#read = true;
  }

  /** Streams the records, converted by the integer policy. */
  [Symbol.asyncIterator](): AsyncIterator<Record> {
    this.#claim('iterate');
    return this.#funnel.stream(`${this.#what}.pull`, this.#raw);
  }

  /** Reads every record: `{ records, summary, keys }`. */
  async collect(): Promise<EagerResult> {
    this.#claim('collect');
    return this.#funnel.collect(`${this.#what}.pull`, this.#raw);
  }

  /** Every record as a plain object keyed by column (Python `result.data()`). */
  async data(): Promise<{ [key: string]: any }[]> {
    const { records } = await this.collect();
    return records.map((r) => r.toObject());
  }

  /**
   * The only record, or null when there is none (Python `result.single()`). With `strict: true` zero or
   * several records fail with a UsageError instead.
   */
  async single(options?: { strict?: boolean }): Promise<Record | null> {
    const { records } = await this.collect();
    if (records.length === 1) return records[0]!;
    if (options?.strict) {
      throw new UsageError(`single(): expected exactly one record, got ${records.length}`, {
        code: 'ERR_NOT_SINGLE',
      });
    }
    return records[0] ?? null;
  }

  /** Discards the remaining records and returns the summary (Python `result.consume()`). */
  async consume(): Promise<ResultSummary> {
    this.#read = true;
    const summary = await this.#funnel.call(`${this.#what}.consume`, () => this.#raw.summary());
    return summaryFromDriver(summary);
  }
}
