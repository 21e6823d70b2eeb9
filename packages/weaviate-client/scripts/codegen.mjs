#!/usr/bin/env node
// Generates the static protobuf codec for Weaviate's gRPC API (`weaviate.v1`) from protos/weaviate
// (src/generated/weaviate.js and weaviate.d.ts; see scripts/proto-codegen.mjs at the repository root).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProtoCodec } from '../../../scripts/proto-codegen.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
generateProtoCodec({
  pkgDir,
  name: 'weaviate',
  root: 'dbwire_weaviate',
  includeDir: join(pkgDir, '..', '..', 'protos', 'weaviate'),
  protos: ['v1/search_get.proto', 'v1/batch.proto'],
  title: "Weaviate's gRPC API (`weaviate.v1`)",
  // Generative search (RAG) is not part of the client's API: leaving its messages out keeps the codec
  // at a fraction of the size. Protobuf decoders skip fields they do not know, so replies still decode.
  transform: (text, file) =>
    file.endsWith('search_get.proto')
      ? text
          .replace('import "v1/generative.proto";', '')
          .replace(/^\s*optional Generative\w+ \w+ = \d+( \[deprecated = true\])?;$/gm, '')
      : text,
});
