#!/usr/bin/env node
// Type-checks every ```ts block of the package READMEs against each package's PUBLISHED types.
//
// Why: the README tests run snippets through `transpileModule`, which strips types, so "the README
// runs" says nothing about whether the documented calls type-check for a user. Here each block is
// compiled as its own ES module (top-level await allowed) with the repo's compiler settings, and
// `@dbwire/<pkg>` resolves through the package's `exports` to `dist/*.d.ts`, exactly as an installed
// copy would (the build runs before lint). Variables that a README test harness provides (`client`,
// ...) are declared by `packages/<pkg>/test/readme-globals.d.ts` with `declare global { ... }`.
//
// Usage:
//   node scripts/check-readme-types.mjs                  every packages/*/README.md
//   node scripts/check-readme-types.mjs dgraph-client    only the named package dirs
//   node scripts/check-readme-types.mjs --skip a,b       all but a and b (also README_TYPES_SKIP=a,b);
//                                                        only while their owners are mid-work
//   node scripts/check-readme-types.mjs --readme FILE dgraph-client
//                                                        check FILE as if it were that package's README
// Errors print as `packages/<pkg>/README.md:<line>: <message>`; the exit code is 1 on any error.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Extracts the ```ts blocks of a Markdown text.
 * @param {string} markdown
 * @returns {{ code: string, line: number }[]} `line` is the 1-based README line of the block's first code line
 */
export function extractTsBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let fence = '';
  let start = 0;
  let body = [];
  let isTs = false;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (!inBlock) {
      const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (!open) continue;
      inBlock = true;
      fence = open[2];
      start = i + 2;
      body = [];
      // Only `ts` (and `typescript`) blocks are TypeScript; other fences are skipped but still tracked
      // so that a ```ts inside e.g. a ```md block is not mistaken for a real one.
      isTs = open[3] === 'ts' || open[3] === 'typescript';
      continue;
    }
    if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') {
      if (isTs) blocks.push({ code: body.join('\n'), line: start });
      inBlock = false;
      continue;
    }
    body.push(line);
  }
  return blocks;
}

/** Compiler options: the repo's base config, minus project-build settings, plus a forced module. */
function compilerOptions() {
  const base = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), ts.sys.readFile);
  if (base.error) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, repoRoot);
  return {
    ...parsed.options,
    composite: false,
    incremental: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noEmit: true,
    // No customConditions: `@dbwire/*` resolves through "types"/"import", never the source condition.
    customConditions: undefined,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

/**
 * Type-checks one README.
 * @param {{ pkgDir: string, readmePath?: string }} args `pkgDir`: absolute package directory
 * @returns {{ file: string, line: number, message: string }[]}
 */
export function checkReadme({ pkgDir, readmePath = join(pkgDir, 'README.md') }) {
  const markdown = readFileSync(readmePath, 'utf8');
  const blocks = extractTsBlocks(markdown);
  const shownPath = relative(process.cwd(), readmePath) || readmePath;
  if (blocks.length === 0) return [];

  // Each block is a virtual .mts file inside the package directory: ESM whatever the package type,
  // and `@dbwire/<pkg>` resolves by self-reference through the package's own `exports`.
  const virtualDir = join(pkgDir, '.readme-snippets');
  const files = new Map();
  for (const [i, block] of blocks.entries()) {
    files.set(join(virtualDir, `block-${String(i + 1).padStart(3, '0')}.mts`), block);
  }
  const globals = join(pkgDir, 'test', 'readme-globals.d.ts');
  const roots = [...files.keys()];
  if (existsSync(globals)) roots.push(globals);

  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getCurrentDirectory = () => repoRoot;
  host.fileExists = (f) => files.has(resolve(f)) || fileExists.call(host, f);
  host.readFile = (f) => files.get(resolve(f))?.code ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const block = files.get(resolve(f));
    if (block) return ts.createSourceFile(f, block.code, lang, true, ts.ScriptKind.TS);
    return getSourceFile.call(host, f, lang, ...rest);
  };

  const program = ts.createProgram({ rootNames: roots, options, host });
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sf of program.getSourceFiles()) {
    if (files.has(resolve(sf.fileName)) || resolve(sf.fileName) === globals) {
      diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
    }
  }

  const out = [];
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    const block = d.file ? files.get(resolve(d.file.fileName)) : undefined;
    if (d.file && block && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      out.push({ file: shownPath, line: block.line + line, message: `TS${d.code}: ${message}` });
    } else if (d.file && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      out.push({
        file: relative(process.cwd(), d.file.fileName),
        line: line + 1,
        message: `TS${d.code}: ${message}`,
      });
    } else {
      out.push({ file: shownPath, line: 0, message: `TS${d.code}: ${message}` });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

function parseArgs(argv) {
  const names = [];
  const skip = new Set(
    (process.env.README_TYPES_SKIP ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  let readme;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--skip') {
      for (const s of (argv[++i] ?? '').split(',')) if (s.trim()) skip.add(s.trim());
    } else if (a.startsWith('--skip=')) {
      for (const s of a.slice(7).split(',')) if (s.trim()) skip.add(s.trim());
    } else if (a === '--readme') {
      readme = resolve(argv[++i] ?? '');
    } else if (a === '--help' || a === '-h') {
      console.log('usage: check-readme-types.mjs [--skip a,b] [--readme FILE] [package-dir-name ...]');
      process.exit(0);
    } else {
      names.push(a);
    }
  }
  return { names, skip, readme };
}

function main() {
  const { names, skip, readme } = parseArgs(process.argv.slice(2));
  const packagesDir = join(repoRoot, 'packages');
  const all = names.length > 0 ? names : readdirSync(packagesDir).sort();
  let errors = 0;
  let checked = 0;
  for (const name of all) {
    const pkgDir = join(packagesDir, name);
    if (!existsSync(join(pkgDir, 'package.json'))) {
      if (names.length > 0) {
        console.error(`check-readme-types: no package directory packages/${name}`);
        errors++;
      }
      continue;
    }
    if (skip.has(name)) {
      console.warn(`check-readme-types: SKIPPED packages/${name}/README.md (README_TYPES_SKIP / --skip)`);
      continue;
    }
    const readmePath = readme ?? join(pkgDir, 'README.md');
    if (!existsSync(readmePath)) continue;
    const found = checkReadme({ pkgDir, readmePath });
    checked++;
    for (const e of found) console.error(`${e.file}:${e.line}: ${e.message}`);
    errors += found.length;
  }
  if (errors > 0) {
    console.error(`check-readme-types: ${errors} error(s)`);
    process.exit(1);
  }
  console.log(`check-readme-types: ${checked} README(s) type-check`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
