import { describe, expect, it } from 'vitest';
import { awaitWithCallers, captureCallSite, traced, withCallSite } from './callsite.js';
import { ConnectionError } from './errors.js';

/** What a package's funnel does: the error is born later, in an I/O callback, with no user frames. */
function sendOverSocket(): Promise<never> {
  return new Promise((_resolve, reject) => {
    setImmediate(() => reject(new ConnectionError('socket closed')));
  });
}

/** A public method: captures the caller's site on entry, attaches it on failure. */
function publicQuery(): Promise<never> {
  return traced(sendOverSocket(), captureCallSite(publicQuery));
}

describe('caller stacks', () => {
  it('awaitWithCallers appends the awaiting user functions on failure, costs nothing visible on success', async () => {
    async function userCodeAwaiting(): Promise<void> {
      await awaitWithCallers(sendOverSocket());
    }
    let err: unknown;
    try {
      await userCodeAwaiting();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnectionError);
    const [own, called] = String((err as Error).stack).split('--- called from ---');
    expect(own).not.toContain('userCodeAwaiting');
    expect(called).toContain('userCodeAwaiting');
    await expect(awaitWithCallers(Promise.resolve(7))).resolves.toBe(7);
  });

  it("the user's test-function frame appears in an error thrown from a setImmediate callback", async function userTestFunctionFrame() {
    const err = await publicQuery().catch((e: Error) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    const [own, called] = String(err.stack).split('--- called from ---');
    // The error's own stack is only the event loop; the caller part names the user's function.
    expect(own).not.toContain('userTestFunctionFrame');
    expect(called).toContain('userTestFunctionFrame');
    expect(called).toContain('callsite.test.ts');
    // captureCallSite(publicQuery) omits publicQuery itself and everything above it.
    expect(called).not.toContain('at publicQuery');
  });

  it('attaches once, passes non-errors and empty sites through', () => {
    const site = captureCallSite();
    const err = new Error('x');
    expect(withCallSite(err, site)).toBe(err);
    const once = err.stack;
    withCallSite(err, site);
    expect(err.stack).toBe(once);
    expect(once?.match(/--- called from ---/g)).toHaveLength(1);
    expect(withCallSite('str', site)).toBe('str');
    const e2 = new Error('y');
    const before = e2.stack;
    expect(withCallSite(e2, undefined)).toBe(e2);
    expect(withCallSite(e2, {})).toBe(e2);
    expect(e2.stack).toBe(before);
  });

  it('keeps a non-writable stack as it is', () => {
    const err = new Error('frozen');
    Object.defineProperty(err, 'stack', { value: 'fixed', writable: false });
    expect(withCallSite(err, captureCallSite()).stack).toBe('fixed');
  });

  it('traced() resolves values unchanged', async () => {
    await expect(traced(Promise.resolve(42), captureCallSite())).resolves.toBe(42);
  });
});
