import { UsageError } from '@dbwire/core';

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * An exact decimal (Java `BigDecimal`): `unscaled × 10^-scale`. Never goes through a float, so values
 * written and read keep every digit.
 */
export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(value: string | number | bigint | Decimal, scale?: number) {
    if (value instanceof Decimal) {
      this.unscaled = value.unscaled;
      this.scale = value.scale;
      return;
    }
    if (typeof value === 'bigint') {
      this.unscaled = value;
      this.scale = scale ?? 0;
      if (!Number.isInteger(this.scale) || this.scale !== (this.scale | 0)) {
        throw new UsageError(`Decimal scale must be a 32-bit integer, got ${scale}`);
      }
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new UsageError(`Decimal cannot represent ${value}`);
      value = String(value);
    }
    const m = DECIMAL_RE.exec(value.trim());
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new UsageError(`Not a decimal number: ${JSON.stringify(value)}`);
    }
    const frac = m[3] ?? '';
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    const digits = `${m[2]}${frac}` || '0';
    const u = BigInt(digits);
    this.unscaled = m[1] === '-' ? -u : u;
    this.scale = frac.length - exp;
    if (!Number.isSafeInteger(this.scale) || this.scale !== (this.scale | 0)) {
      throw new UsageError(`Decimal exponent out of range: ${value}`);
    }
  }

  /** Plain notation, keeping the scale's trailing zeros (as Java's `toPlainString`). */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) {
      if (this.unscaled !== 0n) digits += '0'.repeat(-this.scale);
      return (neg ? '-' : '') + digits;
    }
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }

  /** The JSON form (a string, exact). */
  toJSON(): string {
    return this.toString();
  }

  /** The nearest double (lossy). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Same number and same scale. */
  equals(other: Decimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A Java `UUID` (two longs on the wire), kept as its canonical lower-case string. */
export class UUID {
  readonly value: string;

  constructor(value: string) {
    if (typeof value !== 'string' || !UUID_RE.test(value)) {
      throw new UsageError(`Not a UUID: ${JSON.stringify(value)}`);
    }
    const hex = value.replace(/-/g, '').toLowerCase();
    this.value = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** A random (version 4) UUID. */
  static random(): UUID {
    return new UUID(globalThis.crypto.randomUUID());
  }

  /** From the most and least significant 64-bit halves (as Java `new UUID(msb, lsb)`). */
  static fromBits(msb: bigint, lsb: bigint): UUID {
    const hex =
      BigInt.asUintN(64, msb).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, lsb).toString(16).padStart(16, '0');
    return new UUID(hex);
  }

  get mostSignificantBits(): bigint {
    return BigInt.asIntN(
      64,
      BigInt(`0x${this.value.slice(0, 8)}${this.value.slice(9, 13)}${this.value.slice(14, 18)}`),
    );
  }

  get leastSignificantBits(): bigint {
    return BigInt.asIntN(64, BigInt(`0x${this.value.slice(19, 23)}${this.value.slice(24)}`));
  }

  /** The canonical lower-case form. */
  toString(): string {
    return this.value;
  }

  /** The JSON form: the canonical string. */
  toJSON(): string {
    return this.value;
  }

  /** True when both are the same UUID. */
  equals(other: UUID): boolean {
    return this.value === other.value;
  }
}

/**
 * A Java `Timestamp`: a `Date` (milliseconds) plus the nanoseconds within that millisecond (0..999999).
 * Plain `Date`s are written as DateObject; `Timestamp`s as TimestampObject.
 */
export class Timestamp extends Date {
  /** Nanoseconds beyond the millisecond, 0..999999. */
  readonly nanos: number;

  constructor(millis: number | Date, nanos = 0) {
    super(typeof millis === 'number' ? millis : millis.getTime());
    if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999) {
      throw new UsageError(`Timestamp nanos must be an integer in 0..999999, got ${nanos}`);
    }
    this.nanos = nanos;
  }
}

/** A Java `Time` (TimeObject): milliseconds, as `java.sql.Time.getTime()` (pygridgain: a timedelta). */
export class Time {
  constructor(readonly millis: number) {
    if (!Number.isSafeInteger(millis))
      throw new UsageError(`Time must be an integer of milliseconds, got ${millis}`);
  }

  /** `HH:MM:SS.mmm` of the time of day (UTC). */
  toString(): string {
    const d = new Date(this.millis);
    return d.toISOString().slice(11, 23);
  }

  /** The JSON form: the milliseconds. */
  toJSON(): number {
    return this.millis;
  }
}

/** An enum value: its binary type id and ordinal (EnumObject 0x1c, BinaryEnumObject 0x26). */
export class EnumValue {
  constructor(
    readonly typeId: number,
    readonly ordinal: number,
  ) {
    if (typeId !== (typeId | 0) || ordinal !== (ordinal | 0)) {
      throw new UsageError(`Enum type id and ordinal must be 32-bit integers, got ${typeId}, ${ordinal}`);
    }
  }
}
