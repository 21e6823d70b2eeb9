/**
 * Users and permissions on the database wrapper (seed: "Users and Permissions"). Mixed into
 * `StandardDatabase` (see `./index.ts`). Most calls need an admin user on `_system`.
 */
import { type CallOptions, registerSecret } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import {
  AccessTokenCreateError,
  AccessTokenDeleteError,
  AccessTokenListError,
  PermissionGetError,
  PermissionListError,
  PermissionResetError,
  PermissionUpdateError,
  UserCreateError,
  UserDeleteError,
  UserGetError,
  UserListError,
  UserReplaceError,
  UserUpdateError,
} from './errors.js';
import { required, segment } from './util.js';

/** A user as the seed returns it (the server's `user` field is `username` here). */
export interface UserInfo {
  /** The user's name (the server's `user`). */
  username: string;
  /** Whether the user may log in. */
  active: boolean;
  /** Free-form data stored with the user. */
  extra: Record<string, unknown>;
}

/** Fields of `createUser`, `updateUser` and `replaceUser` (the seed's keyword arguments). */
export interface UserOptions extends CallOptions {
  /** The user's name. */
  username: string;
  /** New password (`passwd`); `createUser` defaults to an empty one. */
  password?: string;
  /** Whether the user may log in (server default true). */
  active?: boolean;
  /** Free-form data stored with the user. */
  extra?: Record<string, unknown>;
}

/** Access level: read-write, read-only, none; "undefined" means "inherited from the database". */
export type Permission = 'rw' | 'ro' | 'none' | 'undefined';

/** Which database (and optionally collection) a permission call is about. */
export interface PermissionTarget extends CallOptions {
  /** The user. */
  username: string;
  /** The database (or "*" for the default of all databases). */
  database: string;
  /** A collection in `database` (or "*"); absent: the database-level permission. */
  collection?: string;
}

/** An access token (ArangoDB 3.12.5+); `token` itself only in the answer of `createAccessToken`. */
export interface AccessToken {
  id: number;
  name: string;
  /** Expiry, seconds since the epoch. */
  valid_until: number;
  /** Creation, seconds since the epoch. */
  created_at: number;
  /** A short non-secret form of the token, to tell tokens apart. */
  fingerprint: string;
  active: boolean;
  /** The bearer token (only when created). */
  token?: string;
}

/** The server's user object → the seed's `{ username, active, extra }`. Pure. */
export function formatUser(body: Record<string, any>): UserInfo {
  return { username: body.user, active: body.active, extra: body.extra ?? {} };
}

function userBody(o: UserOptions, withName: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = withName ? { user: o.username } : {};
  // A failed call's error carries the request body: the password is scrubbed from its messages.
  registerSecret(o.password);
  if (o.password !== undefined) body.passwd = o.password;
  if (o.active !== undefined) body.active = o.active;
  if (o.extra !== undefined) body.extra = o.extra;
  return body;
}

function permissionPath(o: PermissionTarget): string {
  const base = `/_api/user/${segment('username', o?.username)}/database/${segment('database', o.database)}`;
  return o.collection === undefined ? base : `${base}/${segment('collection', o.collection)}`;
}

/**
 * The user and permission calls of the database wrapper (seed: "Users and Permissions"). Applies to
 * `StandardDatabase`; not used on its own.
 */
export class UserManagement extends ApiGroup {
  /** All users (seed: `users`). */
  async users(options?: CallOptions): Promise<UserInfo[]> {
    return this._call(this._req('GET', '/_api/user'), UserListError, options, (body) =>
      (body.result as Record<string, any>[]).map(formatUser),
    );
  }

  /** Whether a user exists (seed: `has_user`; looks the name up in `users`). */
  async hasUser(username: string, options?: CallOptions): Promise<boolean> {
    return this._call(this._req('GET', '/_api/user'), UserListError, options, (body) =>
      (body.result as Record<string, any>[]).some((u) => u.user === username),
    );
  }

  /** One user (seed: `user`). */
  async user(username: string, options?: CallOptions): Promise<UserInfo> {
    return this._call(
      this._req('GET', `/_api/user/${segment('username', username)}`),
      UserGetError,
      options,
      formatUser,
    );
  }

  /** Creates a user (seed: `create_user(username, password, active, extra)`). */
  async createUser(o: UserOptions): Promise<UserInfo> {
    required('username', o?.username);
    return this._call(
      this._req('POST', '/_api/user', { body: userBody(o, true) }),
      UserCreateError,
      o,
      formatUser,
    );
  }

  /** Changes the given fields of a user (seed: `update_user`; PATCH). */
  async updateUser(o: UserOptions): Promise<UserInfo> {
    return this._call(
      this._req('PATCH', `/_api/user/${segment('username', o?.username)}`, { body: userBody(o, false) }),
      UserUpdateError,
      o,
      formatUser,
    );
  }

  /** Replaces a user's password, `active` and `extra` (seed: `replace_user`; PUT). */
  async replaceUser(o: UserOptions): Promise<UserInfo> {
    return this._call(
      this._req('PUT', `/_api/user/${segment('username', o?.username)}`, { body: userBody(o, false) }),
      UserReplaceError,
      o,
      formatUser,
    );
  }

  /** Deletes a user; false when missing and `ignoreMissing` (seed: `delete_user`). */
  async deleteUser(username: string, o: CallOptions & { ignoreMissing?: boolean } = {}): Promise<boolean> {
    return this._callIgnoreMissing(
      this._req('DELETE', `/_api/user/${segment('username', username)}`),
      UserDeleteError,
      o,
      o,
    );
  }

  /**
   * A user's permissions on every database and, with `full` (the default, as the seed), on each
   * collection: `{ test: { permission: 'rw', collections: { students: 'ro', ... } } }`.
   */
  async permissions(
    username: string,
    o: CallOptions & { full?: boolean } = {},
  ): Promise<Record<string, any>> {
    const full = o.full ?? true;
    return this._call(
      this._req('GET', `/_api/user/${segment('username', username)}/database`, {
        query: { full: full ? true : undefined },
      }),
      PermissionListError,
      o,
      (body) => body.result,
    );
  }

  /** A user's permission on a database, or on a collection in it (seed: `permission`). */
  async permission(o: PermissionTarget): Promise<Permission> {
    return this._call(this._req('GET', permissionPath(o)), PermissionGetError, o, (body) => body.result);
  }

  /**
   * Grants "rw", "ro" or "none" on a database or collection (seed: `update_permission`).
   * Returns true.
   */
  async updatePermission(o: PermissionTarget & { permission: 'rw' | 'ro' | 'none' }): Promise<boolean> {
    required('permission', o?.permission);
    return this._call(
      this._req('PUT', permissionPath(o), { body: { grant: o.permission } }),
      PermissionUpdateError,
      o,
      () => true,
    );
  }

  /**
   * Clears the explicit permission so the default applies (seed: `reset_permission`). Returns true.
   */
  async resetPermission(o: PermissionTarget): Promise<boolean> {
    return this._call(this._req('DELETE', permissionPath(o)), PermissionResetError, o, () => true);
  }

  /**
   * Creates an access token for a user (ArangoDB 3.12.5+; python-arango: `create_access_token`).
   * The answer's `token` is the bearer secret; it is registered for redaction.
   */
  async createAccessToken(
    o: CallOptions & { username: string; name: string; validUntil: number },
  ): Promise<AccessToken> {
    const body = { name: required('token name', o?.name), valid_until: o.validUntil };
    return this._call(
      { method: 'POST', endpoint: `/_api/token/${segment('username', o.username)}`, db: null, body },
      AccessTokenCreateError,
      o,
      (token) => {
        registerSecret(token.token);
        return token;
      },
    );
  }

  /** A user's access tokens, without the secrets (python-arango: `list_access_tokens`). */
  async accessTokens(username: string, options?: CallOptions): Promise<AccessToken[]> {
    return this._call(
      { method: 'GET', endpoint: `/_api/token/${segment('username', username)}`, db: null },
      AccessTokenListError,
      options,
      (body) => body.tokens,
    );
  }

  /** Deletes one of a user's access tokens (python-arango: `delete_access_token`). Returns true. */
  async deleteAccessToken(
    username: string,
    tokenId: number | string,
    options?: CallOptions,
  ): Promise<boolean> {
    return this._call(
      {
        method: 'DELETE',
        endpoint: `/_api/token/${segment('username', username)}/${segment('tokenId', tokenId)}`,
        db: null,
      },
      AccessTokenDeleteError,
      options,
      () => true,
    );
  }
}
