/** Resolving complex objects: `BinaryObject`s to instances of their classes, fetching metadata. */
import { ProtocolError } from '@dbwire/core';
import {
  type BinaryContext,
  BinaryObject,
  type BinaryTypeMeta,
  type BinaryTypeRegistry,
  type ComplexType,
  type ComplexTypeDescriptor,
  DESCRIPTOR,
  definedTypes,
  makeType,
  type TypeHint,
} from './complex.js';
import { hintByCode } from './hints.js';
import { MAX_DEPTH } from './limits.js';
import { readAny } from './read.js';
import { BinaryReader, malformed } from './reader.js';
import { ObjectFlag, TypeCode } from './type-codes.js';

const derivedTypes = new WeakMap<BinaryTypeRegistry, Map<number, ComplexTypeDescriptor>>();

/** A class for a type known only from server metadata (like pygridgain's generated classes). */
function derivedType(reg: BinaryTypeRegistry, meta: BinaryTypeMeta): ComplexTypeDescriptor {
  let m = derivedTypes.get(reg);
  if (!m) {
    m = new Map();
    derivedTypes.set(reg, m);
  }
  const cached = m.get(meta.typeId);
  if (cached && cached.meta === meta) return cached;
  const schema: Record<string, TypeHint> = {};
  const hints: (TypeHint | undefined)[] = [];
  for (const f of meta.fields) {
    const h = f.typeCode === TypeCode.COMPLEX_OBJECT ? undefined : hintByCode.get(f.typeCode);
    schema[f.name] = h ?? BinaryObject;
    hints.push(h);
  }
  let desc: ComplexTypeDescriptor;
  try {
    desc = makeType(meta.typeName, schema, false, hints, meta)[DESCRIPTOR];
  } catch (e) {
    throw new ProtocolError(`Unusable metadata for binary type ${meta.typeId}: ${(e as Error).message}`, {
      code: 'ERR_PROTOCOL_MALFORMED',
      cause: e,
    });
  }
  m.set(meta.typeId, desc);
  return desc;
}

interface ResolveState {
  ctx: BinaryContext;
  missing: Set<number> | undefined;
  memo: Map<Buffer, Map<number, unknown>>;
  fetched: Set<number>;
}

/** Thrown inside a resolve pass when metadata must be fetched first; never escapes `resolveValue`. */
const MISSING: unique symbol = Symbol('missing binary type metadata');

function needMeta(st: ResolveState, typeId: number): boolean {
  if (st.fetched.has(typeId)) return false;
  if (st.missing === undefined) st.missing = new Set();
  st.missing.add(typeId);
  return true;
}

function compactFieldIds(
  o: BinaryObject,
  st: ResolveState,
  local: ComplexTypeDescriptor | undefined,
): readonly number[] {
  if (local && local.schemaId === o.schemaId) return local.ids;
  const meta = st.ctx.registry.get(o.typeId);
  if (meta) for (const s of meta.schemas) if (s.schemaId === o.schemaId) return s.fieldIds;
  if (needMeta(st, o.typeId)) throw MISSING;
  throw new ProtocolError(
    `Binary type ${o.typeId} has no schema ${o.schemaId} on the server: cannot read its fields`,
    {
      code: 'ERR_PROTOCOL_UNKNOWN_SCHEMA',
    },
  );
}

function resolveObject(o: BinaryObject, st: ResolveState, depth: number): unknown {
  if (depth > MAX_DEPTH) throw malformed(`objects nested deeper than ${MAX_DEPTH} levels`);
  let byBuf = st.memo.get(o.buf);
  if (!byBuf) {
    byBuf = new Map();
    st.memo.set(o.buf, byBuf);
  }
  const done = byBuf.get(o.start);
  if (done !== undefined) return done;

  const local = definedTypes.get(o.typeId)?.[DESCRIPTOR];
  const reg = st.ctx.registry;
  const buf = o.buf;
  const base = o.start;
  const flags = o.flags;
  const hasSchema = (flags & ObjectFlag.HAS_SCHEMA) !== 0;
  const compact = (flags & ObjectFlag.COMPACT_FOOTER) !== 0;
  const offSize = flags & ObjectFlag.OFFSET_ONE_BYTE ? 1 : flags & ObjectFlag.OFFSET_TWO_BYTES ? 2 : 4;
  let ids: number[] = [];
  let offsets: number[] = [];
  if (hasSchema) {
    const footerStart = base + o.schemaOffset;
    const footerEnd = base + o.length - (flags & ObjectFlag.HAS_RAW_DATA ? 4 : 0);
    if (footerEnd < footerStart) throw malformed('binary object footer overlaps its raw-data offset');
    const entry = compact ? offSize : 4 + offSize;
    const count = Math.floor((footerEnd - footerStart) / entry);
    if (count * entry !== footerEnd - footerStart)
      throw malformed('binary object footer has a partial entry');
    if (compact) {
      const known = compactFieldIds(o, st, local);
      if (known.length !== count) {
        throw malformed(`binary object schema ${o.schemaId} has ${known.length} fields, its footer ${count}`);
      }
      ids = known as number[];
    } else ids = new Array(count);
    offsets = new Array(count);
    let p = footerStart;
    for (let i = 0; i < count; i++) {
      if (!compact) {
        ids[i] = buf.readInt32LE(p);
        p += 4;
      }
      const off = offSize === 1 ? buf[p]! : offSize === 2 ? buf.readUInt16LE(p) : buf.readInt32LE(p);
      p += offSize;
      if (off < o.dataOffset || off >= o.schemaOffset) {
        throw malformed(`binary object field offset ${off} outside [${o.dataOffset}, ${o.schemaOffset})`);
      }
      offsets[i] = off;
    }
  }

  // The class: the locally defined type, else one derived from the server's metadata.
  let names: ReadonlyMap<number, string> | undefined = local?.idToName;
  // The registered class, which may be a subclass of the defined type (see useClassForType).
  let ctor = local ? (definedTypes.get(o.typeId) ?? local.ctor) : undefined;
  if (!local || ids.some((id) => !names!.has(id))) {
    const meta = reg.get(o.typeId);
    if (meta) {
      const derived = derivedType(reg, meta);
      if (!local) {
        ctor = derived.ctor;
        names = derived.idToName;
      } else {
        const merged = new Map(derived.idToName);
        for (const [k, v] of local.idToName) merged.set(k, v);
        names = merged;
      }
    } else if (needMeta(st, o.typeId)) throw MISSING;
    else if (!local) return o; // the server does not know this type either: keep the raw object
  }
  const inst = new (ctor as unknown as new () => Record<string, unknown>)();
  byBuf.set(o.start, inst);
  try {
    // Fields may hold handles to enclosing objects: the window is the whole (private) value buffer.
    const r = new BinaryReader(buf, 0, buf.length);
    r.privateBuffer = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      r.offset = base + offsets[i]!;
      r.handles = undefined;
      const v = readAny(r, depth + 1);
      const value = resolveAny(v, st, depth + 1);
      const name = names?.get(id) ?? `field${id}`;
      if (name === '__proto__')
        Object.defineProperty(inst, name, { value, enumerable: true, writable: true });
      else inst[name] = value;
    }
  } catch (e) {
    byBuf.delete(o.start);
    throw e;
  }
  return inst;
}

function resolveAny(v: unknown, st: ResolveState, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw malformed(`value nested deeper than ${MAX_DEPTH} levels`);
  if (v instanceof BinaryObject) return resolveObject(v, st, depth);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = resolveAny(x, st, depth + 1);
    }
    return v;
  }
  if (v instanceof Set) {
    if (!needsResolve(v, depth)) return v;
    const items = [...v];
    const out: unknown[] = [];
    for (const x of items) out.push(resolveAny(x, st, depth + 1));
    v.clear();
    for (const x of out) v.add(x);
    return v;
  }
  if (v instanceof Map) {
    if (!needsResolve(v, depth)) return v;
    const out: [unknown, unknown][] = [];
    for (const [k, x] of v) out.push([resolveAny(k, st, depth + 1), resolveAny(x, st, depth + 1)]);
    v.clear();
    for (const [k, x] of out) v.set(k, x);
    return v;
  }
  return v;
}

function needsResolve(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return false;
  if (v instanceof BinaryObject) return true;
  if (Array.isArray(v) || v instanceof Set) {
    for (const x of v) if (needsResolve(x, depth + 1)) return true;
    return false;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (needsResolve(k, depth + 1) || needsResolve(x, depth + 1)) return true;
  }
  return false;
}

function resolvePass(value: unknown, st: ResolveState): { value: unknown } | undefined {
  try {
    return { value: resolveAny(value, st, 0) };
  } catch (e) {
    if (e === MISSING) return undefined;
    throw e;
  }
}

/**
 * Turns the `BinaryObject`s inside a value read by `readValue` into instances of their types (classes
 * from `defineType`, or classes derived from the server's metadata), fetching unknown metadata first.
 * Returns the value itself, not a Promise, when nothing needs fetching. Containers are updated in place.
 */
export function resolveValue(value: unknown, ctx: BinaryContext): unknown | Promise<unknown> {
  if (!needsResolve(value, 0)) return value;
  const st: ResolveState = { ctx, missing: undefined, memo: new Map(), fetched: new Set() };
  const first = resolvePass(value, st);
  if (first) return first.value;
  return (async () => {
    for (;;) {
      const missing = st.missing!;
      st.missing = undefined;
      await Promise.all([...missing].map((id) => ctx.registry.fetch(id)));
      for (const id of missing) st.fetched.add(id);
      const next = resolvePass(value, st);
      if (next) return next.value;
    }
  })();
}

/**
 * The class values of a type read back as: the locally defined (or registered) class, else one
 * derived from the server's metadata (pygridgain's `query_binary_type`).
 */
export function classOfType(reg: BinaryTypeRegistry, meta: BinaryTypeMeta): ComplexType {
  return definedTypes.get(meta.typeId) ?? derivedType(reg, meta).ctor;
}
