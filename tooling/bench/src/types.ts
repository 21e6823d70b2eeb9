/** One measured row: `bench` names the workload, `impl` the client (ours, official, raw baseline). */
export interface BenchRow {
  bench: string;
  impl: string;
  opsPerSec: number;
  /** Extra figures printed after the row (latency, memory, medians). */
  note?: string;
}
