#!/usr/bin/env node
// Generates the static protobuf codec for Dgraph's `api` package from protos/dgraph/api.proto.
//
//   src/generated/api.js    ESM, static encode/decode only (no reflection, no verify/convert)
//   src/generated/api.d.ts  its types (pbts)
//
// Both are copied to dist/generated/ as well, because tsc does not emit .js files it did not compile.
// Nothing under generated/ is edited by hand: change the proto or this script instead.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const proto = join(pkg, '..', '..', 'protos', 'dgraph', 'api.proto');
const outDir = join(pkg, 'src', 'generated');
const distDir = join(pkg, 'dist', 'generated');
const require = createRequire(join(pkg, 'package.json'));
const cliDir = dirname(require.resolve('protobufjs-cli/package.json'));
const pbjs = join(cliDir, 'bin', 'pbjs');
const pbts = join(cliDir, 'bin', 'pbts');

mkdirSync(outDir, { recursive: true });
const js = join(outDir, 'api.js');
const dts = join(outDir, 'api.d.ts');

execFileSync(
  process.execPath,
  [
    pbjs,
    '-t',
    'static-module',
    '-w',
    'es6',
    '-r',
    'dbwire_dgraph',
    '--dependency',
    'protobufjs/minimal.js',
    '--no-create',
    '--no-verify',
    '--no-convert',
    '--no-delimited',
    '--no-service',
    '--no-typeurl',
    '-o',
    js,
    proto,
  ],
  { stdio: 'inherit' },
);

// protobufjs/minimal is CommonJS: from ESM its API is the default export, not the namespace.
const source = readFileSync(js, 'utf8');
const fixed = source.replace(
  'import * as $protobuf from "protobufjs/minimal.js";',
  'import $protobuf from "protobufjs/minimal.js";',
);
if (fixed === source) throw new Error('codegen: unexpected pbjs output (protobufjs import line not found)');
writeFileSync(js, `// Generated from protos/dgraph/api.proto by scripts/codegen.mjs. Do not edit.\n${fixed}`);

execFileSync(process.execPath, [pbts, '--no-comments', '-o', dts, js], { stdio: 'inherit' });
// pbts refers to the `long` package, which is protobufjs's dependency, not ours: describe the
// shape decoded 64-bit values have instead (with --force-number they are numbers or Long objects).
const types = readFileSync(dts, 'utf8');
const longLine = 'import Long = require("long");';
if (!types.includes(longLine)) throw new Error('codegen: unexpected pbts output (Long import not found)');
const longType = [
  'type Long = {',
  '  low: number;',
  '  high: number;',
  '  unsigned: boolean;',
  '  /** The value as a JavaScript number (exact below 2^53). */',
  '  toNumber(): number;',
  '  /** The value in decimal (or another radix), exact. */',
  '  toString(radix?: number): string;',
  '};',
].join('\n');
// pbts --no-comments leaves the declarations bare; the API docs require a comment on every exported
// declaration, so give each one a short generic line (the proto is the reference for the fields).
const documented = types
  .replace(longLine, longType)
  .replace(
    /^(\s*)(export )?namespace api \{/m,
    "$1/** The messages of Dgraph's `api.proto`, with static protobuf codecs. */\n$1$2namespace api {",
  )
  .replace(
    /^(\s+)namespace (\w+) \{/gm,
    "$1/** The enums nested in Dgraph's `api.$2` message. */\n$1namespace $2 {",
  )
  .replace(longType, `/** A decoded 64-bit integer as protobufjs may return it. */\nexport ${longType}`)
  .replace(
    /^(\s*)interface I(\w+) \{/gm,
    "$1/** The fields of Dgraph's `api.$2` message, as a plain object. */\n$1interface I$2 {",
  )
  .replace(/^(\s*)class (\w+) implements /gm, "$1/** Dgraph's `api.$2` message. */\n$1class $2 implements ")
  .replace(/^(\s*)enum (\w+) \{/gm, "$1/** Dgraph's `$2` enum. */\n$1enum $2 {")
  .replace(/^(\s*)constructor\(/gm, '$1/** A message with the given fields. */\n$1constructor(')
  .replace(
    /^(\s*)public static encode\(/gm,
    '$1/** Encodes a message to protobuf bytes. */\n$1public static encode(',
  )
  .replace(
    /^(\s*)public static decode\(/gm,
    '$1/** Decodes a message from protobuf bytes. */\n$1public static decode(',
  );
writeFileSync(
  dts,
  `// Generated from protos/dgraph/api.proto by scripts/codegen.mjs. Do not edit.\n${documented}`,
);

mkdirSync(distDir, { recursive: true });
copyFileSync(js, join(distDir, 'api.js'));
copyFileSync(dts, join(distDir, 'api.d.ts'));
console.log(`codegen: wrote ${js} and ${dts} (copied to ${distDir})`);
