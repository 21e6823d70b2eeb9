import {
  type BinaryContext,
  BinaryObject,
  type BinaryTypeMeta,
  type BinaryTypeRegistry,
  type ComplexTypeDescriptor,
  definedEnums,
  definedTypes,
  descriptorOfHint,
  descriptorOfInstance,
  type EnumType,
  type TypeHint,
} from './complex.js';
import { Hint } from './hints.js';
import { isHinted, isPlainObject } from './infer.js';
import { MAX_DEPTH } from './limits.js';
import { EnumValue } from './values.js';

function registered(reg: BinaryTypeRegistry, desc: ComplexTypeDescriptor): boolean {
  const meta = reg.get(desc.typeId);
  if (!meta) return false;
  if (desc.names.length === 0) return true;
  for (const s of meta.schemas) if (s.schemaId === desc.schemaId) return true;
  return false;
}

function collectTypes(
  v: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
  out: Map<string, ComplexTypeDescriptor | EnumType>,
  seen: Set<object>,
  depth: number,
): void {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
  if (hint === undefined && Array.isArray(v) && isHinted(v)) {
    collectTypes(v[0], v[1], ctx, out, seen, depth + 1);
    return;
  }
  if (v instanceof EnumValue) {
    const e = definedEnums.get(v.typeId);
    if (e && !ctx.registry.get(v.typeId)) out.set(`${v.typeId}:enum`, e);
    return;
  }
  if (seen.has(v)) return;
  seen.add(v);
  const desc = descriptorOfInstance(v) ?? (hint ? descriptorOfHint(hint) : undefined);
  if (desc && !(v instanceof BinaryObject)) {
    // An instance of a subclass of a defined type: values of this type now read back as that subclass.
    const cls = (v as object).constructor;
    if (cls !== desc.ctor && definedTypes.get(desc.typeId) === desc.ctor)
      definedTypes.set(desc.typeId, cls as never);
    if (!registered(ctx.registry, desc)) out.set(`${desc.typeId}:${desc.schemaId}`, desc);
    const rec = v as Record<string, unknown>;
    for (let i = 0; i < desc.names.length; i++) {
      collectTypes(rec[desc.names[i]!], desc.hints[i], ctx, out, seen, depth + 1);
    }
    return;
  }
  if (Array.isArray(v) || v instanceof Set) {
    for (const x of v) collectTypes(x, undefined, ctx, out, seen, depth + 1);
  } else if (v instanceof Map) {
    for (const [k, x] of v) {
      collectTypes(k, undefined, ctx, out, seen, depth + 1);
      collectTypes(x, undefined, ctx, out, seen, depth + 1);
    }
  } else if (isPlainObject(v)) {
    for (const k of Object.keys(v))
      collectTypes((v as Record<string, unknown>)[k], undefined, ctx, out, seen, depth + 1);
  }
}

/** The metadata to register for a type, merged with what the registry already knows of it. */
function metaToPut(reg: BinaryTypeRegistry, desc: ComplexTypeDescriptor): BinaryTypeMeta {
  const known = reg.get(desc.typeId);
  if (!known) return desc.meta;
  const fields = [...known.fields];
  const have = new Set(fields.map((f) => f.fieldId));
  for (const f of desc.meta.fields) if (!have.has(f.fieldId)) fields.push(f);
  return { ...known, fields, schemas: [...known.schemas, ...desc.meta.schemas] };
}

/**
 * Registers the complex types inside `value` with the server (PUT_BINARY_TYPE) before it is written.
 * Returns undefined when there is nothing to do (primitives, known types), so simple calls cost no Promise.
 */
export function prepareValue(
  value: unknown,
  hint: TypeHint | undefined,
  ctx: BinaryContext,
): Promise<void> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (
    (hint === undefined || hint instanceof Hint) &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !(value instanceof EnumValue) &&
    !isPlainObject(value) &&
    descriptorOfInstance(value) === undefined
  ) {
    return undefined; // a Date, Buffer, UUID, Decimal…: nothing to register, nothing allocated
  }
  const todo = new Map<string, ComplexTypeDescriptor | EnumType>();
  collectTypes(value, hint, ctx, todo, new Set(), 0);
  if (todo.size === 0) return undefined;
  const puts: Promise<void>[] = [];
  for (const t of todo.values()) {
    puts.push(ctx.registry.put('ctor' in t ? metaToPut(ctx.registry, t) : t.meta));
  }
  return Promise.all(puts).then(() => undefined);
}
