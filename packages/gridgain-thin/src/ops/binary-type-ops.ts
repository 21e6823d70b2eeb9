/** Binary type metadata operations (3000–3003) as pure definitions. */
import { type BinaryTypeMeta, readBinaryTypeMeta, writeBinaryTypeMeta } from '../binary/index.js';
import { Op } from '../protocol/constants.js';
import { defineOp, type Operation } from './operation.js';

/** GET_BINARY_TYPE (3002): `int typeId` → `bool exists | [metadata]`. */
export function getBinaryTypeOp(typeId: number): Operation<BinaryTypeMeta | undefined> {
  return defineOp(
    'client.getBinaryType',
    Op.GET_BINARY_TYPE,
    (w) => w.writeInt32(typeId),
    (r) => (r.readBool() ? readBinaryTypeMeta(r) : undefined),
  );
}

/** PUT_BINARY_TYPE (3003): the metadata of one type. */
export function putBinaryTypeOp(meta: BinaryTypeMeta): Operation<void> {
  return defineOp<void>(
    'client.putBinaryType',
    Op.PUT_BINARY_TYPE,
    (w) => writeBinaryTypeMeta(w, meta),
    undefined,
  );
}

/** Platform id of Java in REGISTER_BINARY_TYPE_NAME / GET_BINARY_TYPE_NAME. */
export const PLATFORM_JAVA = 0;

/** REGISTER_BINARY_TYPE_NAME (3001): `byte platform | int typeId | String name` → bool. */
export function registerBinaryTypeNameOp(typeId: number, typeName: string): Operation<boolean> {
  return defineOp(
    'client.registerBinaryType',
    Op.REGISTER_BINARY_TYPE_NAME,
    (w) => {
      w.writeInt8(PLATFORM_JAVA);
      w.writeInt32(typeId);
      w.writeUtf8String(typeName);
    },
    (r) => r.readBool(),
  );
}

/** GET_BINARY_TYPE_NAME (3000): `byte platform | int typeId` → String (null when unknown). */
export function getBinaryTypeNameOp(typeId: number): Operation<string | undefined> {
  return defineOp(
    'client.queryBinaryType',
    Op.GET_BINARY_TYPE_NAME,
    (w) => {
      w.writeInt8(PLATFORM_JAVA);
      w.writeInt32(typeId);
    },
    (r) => r.readUtf8String() ?? undefined,
  );
}
