import { api } from './generated/api.js';

/**
 * The unary RPCs of `api.Dgraph`: gRPC path plus the static protobuf encoder/decoder of each side.
 * Encoders take plain objects shaped like the generated interfaces (camelCase field names), so no
 * conversion step sits between the public API and the bytes.
 */
export interface MethodDef<Req, Res> {
  /** RPC name, also used in error messages. */
  readonly name: string;
  /** The operation as diagnostics events name it: the client/stub method's name (`query`, `login`). */
  readonly op: string;
  readonly path: string;
  readonly serialize: (value: Req) => Buffer;
  readonly deserialize: (bytes: Buffer) => Res;
  /** Safe to send again to another alpha when the first one failed (no side effects). */
  readonly idempotent: boolean;
}

interface Codec<Req, Res> {
  encode(message: Req): { finish(): Uint8Array };
  decode(reader: Uint8Array): Res;
}

function def<Req, Res>(
  op: string,
  name: string,
  reqType: Pick<Codec<Req, unknown>, 'encode'>,
  resType: Pick<Codec<unknown, Res>, 'decode'>,
  idempotent: boolean,
): MethodDef<Req, Res> {
  return {
    name,
    op,
    path: `/api.Dgraph/${name}`,
    // protobufjs uses a Buffer-backed writer under Node, so finish() already returns a Buffer.
    serialize: (value: Req) => reqType.encode(value).finish() as Buffer,
    deserialize: (bytes: Buffer) => resType.decode(bytes),
    idempotent,
  };
}

/** Every RPC the package calls, by client method name. */
export const Methods = {
  login: def<api.ILoginRequest, api.Response>('login', 'Login', api.LoginRequest, api.Response, true),
  query: def<api.IRequest, api.Response>('query', 'Query', api.Request, api.Response, false),
  alter: def<api.IOperation, api.Payload>('alter', 'Alter', api.Operation, api.Payload, false),
  commitOrAbort: def<api.ITxnContext, api.TxnContext>(
    'commitOrAbort',
    'CommitOrAbort',
    api.TxnContext,
    api.TxnContext,
    false,
  ),
  checkVersion: def<api.ICheck, api.Version>('checkVersion', 'CheckVersion', api.Check, api.Version, true),
  runDql: def<api.IRunDQLRequest, api.Response>('runDql', 'RunDQL', api.RunDQLRequest, api.Response, false),
  allocateIds: def<api.IAllocateIDsRequest, api.AllocateIDsResponse>(
    'allocateIds',
    'AllocateIDs',
    api.AllocateIDsRequest,
    api.AllocateIDsResponse,
    false,
  ),
  createNamespace: def<api.ICreateNamespaceRequest, api.CreateNamespaceResponse>(
    'createNamespace',
    'CreateNamespace',
    api.CreateNamespaceRequest,
    api.CreateNamespaceResponse,
    false,
  ),
  dropNamespace: def<api.IDropNamespaceRequest, api.DropNamespaceResponse>(
    'dropNamespace',
    'DropNamespace',
    api.DropNamespaceRequest,
    api.DropNamespaceResponse,
    false,
  ),
  listNamespaces: def<api.IListNamespacesRequest, api.ListNamespacesResponse>(
    'listNamespaces',
    'ListNamespaces',
    api.ListNamespacesRequest,
    api.ListNamespacesResponse,
    true,
  ),
} as const;

/** A decoded uint64: a number, or a protobufjs Long when the value came off the wire. */
export type U64 = number | { toNumber(): number };

/** A decoded uint64 as a number (0 when absent). */
export function u64(value: U64 | null | undefined): number {
  if (value == null) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export { api };
