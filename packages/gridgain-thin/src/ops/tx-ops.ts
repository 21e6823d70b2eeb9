/** Transaction operations (4000 TX_START, 4001 TX_END), protocol ≥ 1.5. */
import { Op } from '../protocol/constants.js';
import { defineOp, type Operation } from './operation.js';

/** TX_START: `byte concurrency | byte isolation | long timeout ms | String label` → `int txId`. */
export function txStartOp(
  concurrency: number,
  isolation: number,
  timeoutMs: number,
  label: string | undefined,
): Operation<number> {
  return defineOp(
    'tx.start',
    Op.TX_START,
    (w) => {
      w.writeInt8(concurrency);
      w.writeInt8(isolation);
      w.writeInt64(timeoutMs);
      if (label === undefined)
        w.writeInt8(101); // Null: no label
      else w.writeUtf8String(label);
    },
    (r) => r.readInt32(),
    { needs: 'TRANSACTIONS' },
  );
}

/** TX_END: `int txId | bool commit`. */
export function txEndOp(txId: number, commit: boolean): Operation<void> {
  return defineOp<void>(
    commit ? 'tx.commit' : 'tx.rollback',
    Op.TX_END,
    (w) => {
      w.writeInt32(txId);
      w.writeBool(commit);
    },
    undefined,
    { needs: 'TRANSACTIONS' },
  );
}
