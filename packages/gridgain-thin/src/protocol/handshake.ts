import { ProtocolError } from '@dbwire/core';
import { BinaryReader, BinaryWriter } from '../binary/index.js';
import {
  compareVersions,
  HANDSHAKE_CODE,
  type ProtocolVersion,
  TC_BYTE_ARRAY,
  TC_NULL,
  TC_UUID,
  THIN_CLIENT_TYPE,
  VERSION_FEATURES,
} from './constants.js';

export interface HandshakeRequest {
  version: ProtocolVersion;
  /** Feature mask to announce (only sent for ≥ 1.7.0). */
  features?: Buffer;
  username?: string;
  password?: string;
}

export type HandshakeResult =
  | { ok: true; features: Buffer | undefined; nodeId: string | undefined }
  | { ok: false; serverVersion: ProtocolVersion; message: string; status: number | undefined };

/** The whole handshake frame, length prefix included. */
export function encodeHandshake(req: HandshakeRequest): Buffer {
  const w = new BinaryWriter(64);
  const at = w.reserveInt32();
  w.writeInt8(HANDSHAKE_CODE);
  w.writeInt16(req.version[0]);
  w.writeInt16(req.version[1]);
  w.writeInt16(req.version[2]);
  w.writeInt8(THIN_CLIENT_TYPE);
  if (compareVersions(req.version, VERSION_FEATURES.BITMAP_FEATURES) >= 0) {
    const features = req.features ?? Buffer.alloc(0);
    w.writeInt8(TC_BYTE_ARRAY);
    w.writeInt32(features.length);
    w.writeBytes(features);
    // USER_ATTRIBUTES (bit 0) is never announced, so no attribute map follows.
  }
  if (
    compareVersions(req.version, VERSION_FEATURES.AUTHENTICATION) >= 0 &&
    (req.username !== undefined || req.password !== undefined)
  ) {
    w.writeUtf8String(req.username ?? '');
    w.writeUtf8String(req.password ?? '');
  }
  w.patchInt32(at, w.length - 4);
  return w.toBuffer();
}

/** Parses a handshake response frame body (without its length prefix). */
export function decodeHandshake(frame: Buffer, version: ProtocolVersion): HandshakeResult {
  const r = new BinaryReader(frame);
  const success = r.readInt8();
  if (success === 1) {
    let features: Buffer | undefined;
    let nodeId: string | undefined;
    if (compareVersions(version, VERSION_FEATURES.BITMAP_FEATURES) >= 0 && r.remaining > 0) {
      const tc = r.readInt8();
      if (tc === TC_BYTE_ARRAY) features = Buffer.from(r.readBytes(r.readInt32()));
      else if (tc !== TC_NULL) throw badHandshake(`feature mask has type code ${tc}`);
    }
    if (compareVersions(version, VERSION_FEATURES.PARTITION_AWARENESS) >= 0 && r.remaining > 0) {
      const tc = r.readInt8();
      if (tc === TC_UUID) nodeId = uuidString(r.readBytes(16));
      else if (tc !== TC_NULL) throw badHandshake(`node id has type code ${tc}`);
    }
    return { ok: true, features, nodeId };
  }
  if (success !== 0) throw badHandshake(`first byte is ${success}, expected 0 or 1`);
  const serverVersion: ProtocolVersion = [r.readInt16(), r.readInt16(), r.readInt16()];
  const message = r.remaining > 0 ? (r.readUtf8String() ?? '') : '';
  const status = r.remaining >= 4 ? r.readInt32() : undefined;
  return { ok: false, serverVersion, message, status };
}

/** Java UUID wire form (msb long, lsb long, each little-endian) → canonical string. */
export function uuidString(bytes: Buffer): string {
  const msb = bytes.readBigUInt64LE(0).toString(16).padStart(16, '0');
  const lsb = bytes.readBigUInt64LE(8).toString(16).padStart(16, '0');
  return `${msb.slice(0, 8)}-${msb.slice(8, 12)}-${msb.slice(12)}-${lsb.slice(0, 4)}-${lsb.slice(4)}`;
}

function badHandshake(detail: string): ProtocolError {
  return new ProtocolError(`malformed handshake response: ${detail}`, { code: 'ERR_PROTOCOL_HANDSHAKE' });
}
