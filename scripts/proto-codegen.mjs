// Shared by the packages that speak gRPC (each package's scripts/codegen.mjs calls it): generates a
// static protobuf codec from .proto files with protobufjs-cli.
//
//   <pkg>/src/generated/<name>.js    ESM, static encode/decode only (no reflection, no verify/convert)
//   <pkg>/src/generated/<name>.d.ts  its types (pbts), every declaration with a short doc comment
//
// Both are copied to <pkg>/dist/generated/ as well, because tsc does not emit .js files it did not
// compile. Nothing under generated/ is edited by hand: change the proto or the calling script instead.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * @param {object} o
 * @param {string} o.pkgDir     the package directory (its node_modules must resolve protobufjs-cli)
 * @param {string} o.name       output base name, e.g. `api`
 * @param {string} o.root       pbjs root name (keeps two packages' codecs from sharing a registry)
 * @param {string[]} o.protos   .proto files, relative to `includeDir` when one is given
 * @param {string} [o.includeDir] the import root of the protos (`-p`)
 * @param {string} o.title      what the messages are, for the doc comments, e.g. "Dgraph's `api.proto`"
 * @param {(text: string, file: string) => string} [o.transform] rewrites each proto under
 *   `includeDir` before pbjs reads it (to leave out parts the client never uses)
 */
export function generateProtoCodec({ pkgDir, name, root, protos, includeDir: given, title, transform }) {
  const outDir = join(pkgDir, 'src', 'generated');
  const distDir = join(pkgDir, 'dist', 'generated');
  const require = createRequire(join(pkgDir, 'package.json'));
  const cliDir = join(require.resolve('protobufjs-cli/package.json'), '..');
  const pbjs = join(cliDir, 'bin', 'pbjs');
  const pbts = join(cliDir, 'bin', 'pbts');
  const source = relative(join(pkgDir, '..', '..'), given ?? pkgDir);

  mkdirSync(outDir, { recursive: true });
  let includeDir = given;
  if (transform && given) {
    includeDir = mkdtempSync(join(tmpdir(), 'dbwire-protos-'));
    for (const file of readdirSync(given, { recursive: true })) {
      const from = join(given, file);
      if (!String(file).endsWith('.proto')) continue;
      mkdirSync(join(includeDir, file, '..'), { recursive: true });
      writeFileSync(join(includeDir, file), transform(readFileSync(from, 'utf8'), String(file)));
    }
  }
  const js = join(outDir, `${name}.js`);
  const dts = join(outDir, `${name}.d.ts`);
  const banner = `// Generated from ${source} (${protos.join(', ')}) by scripts/codegen.mjs. Do not edit.\n`;

  // pbts derives the types from the JSDoc comments pbjs writes, so run pbjs twice: with comments for
  // pbts, without for the module that ships (the comments are most of its size).
  const pbjsRun = (out, comments) =>
    execFileSync(
      process.execPath,
      [
        pbjs,
        '-t',
        'static-module',
        '-w',
        'es6',
        '-r',
        root,
        '--dependency',
        'protobufjs/minimal.js',
        '--no-create',
        '--no-verify',
        '--no-convert',
        '--no-delimited',
        '--no-service',
        '--no-typeurl',
        ...(comments ? [] : ['--no-comments']),
        ...(includeDir ? ['-p', includeDir] : []),
        '-o',
        out,
        ...protos.map((p) => (includeDir ? join(includeDir, p) : p)),
      ],
      { stdio: 'inherit' },
    );
  const commented = join(outDir, `${name}.commented.tmp.js`);
  pbjsRun(commented, true);
  pbjsRun(js, false);

  // protobufjs/minimal is CommonJS: from ESM its API is the default export, not the namespace.
  const code = readFileSync(js, 'utf8');
  const fixed = code.replace(
    'import * as $protobuf from "protobufjs/minimal.js";',
    'import $protobuf from "protobufjs/minimal.js";',
  );
  if (fixed === code) throw new Error('codegen: unexpected pbjs output (protobufjs import line not found)');
  writeFileSync(js, banner + fixed);

  execFileSync(process.execPath, [pbts, '--no-comments', '-o', dts, commented], { stdio: 'inherit' });
  rmSync(commented);
  if (includeDir !== given) rmSync(includeDir, { recursive: true });
  // pbts refers to the `long` package, which is protobufjs's dependency, not ours: describe the
  // shape decoded 64-bit values have instead (numbers, or Long objects when `long` is installed).
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
    .replace(longType, `/** A decoded 64-bit integer as protobufjs may return it. */\nexport ${longType}`)
    .replace(
      /^(\s*)(export )?namespace (\w+) \{/gm,
      `$1/** \`$3\`: messages and enums of ${title}. */\n$1$2namespace $3 {`,
    )
    .replace(
      /^(\s*)interface I(\w+) \{/gm,
      `$1/** The fields of the \`$2\` message of ${title}, as a plain object. */\n$1interface I$2 {`,
    )
    .replace(
      /^(\s*)class (\w+) implements /gm,
      `$1/** The \`$2\` message of ${title}. */\n$1class $2 implements `,
    )
    .replace(/^(\s*)enum (\w+) \{/gm, `$1/** The \`$2\` enum of ${title}. */\n$1enum $2 {`)
    .replace(/^(\s*)constructor\(/gm, '$1/** A message with the given fields. */\n$1constructor(')
    .replace(
      /^(\s*)public static encode\(/gm,
      '$1/** Encodes a message to protobuf bytes. */\n$1public static encode(',
    )
    .replace(
      /^(\s*)public static decode\(/gm,
      '$1/** Decodes a message from protobuf bytes. */\n$1public static decode(',
    );
  writeFileSync(dts, banner + documented);

  mkdirSync(distDir, { recursive: true });
  copyFileSync(js, join(distDir, `${name}.js`));
  copyFileSync(dts, join(distDir, `${name}.d.ts`));
  console.log(`codegen: wrote ${js} and ${dts} (copied to ${distDir})`);
}
