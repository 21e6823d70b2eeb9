#!/usr/bin/env node
// Generates the static protobuf codec for Dgraph's `api` package from protos/dgraph/api.proto
// (src/generated/api.js and api.d.ts; see scripts/proto-codegen.mjs at the repository root).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProtoCodec } from '../../../scripts/proto-codegen.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
generateProtoCodec({
  pkgDir,
  name: 'api',
  root: 'dbwire_dgraph',
  includeDir: join(pkgDir, '..', '..', 'protos', 'dgraph'),
  protos: ['api.proto'],
  title: "Dgraph's `api.proto`",
});
