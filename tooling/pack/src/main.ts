/**
 * `pnpm test:pack` (part of `./dev test`): every package as a user gets it from the registry.
 *
 * 1. `pnpm pack` each publishable package (the same tarball `pnpm publish` uploads: `workspace:`
 *    ranges rewritten, `publishConfig` applied), then publint and arethetypeswrong on the tarball.
 * 2. A fresh project in the OS temp dir (outside the workspace, so nothing can resolve from it)
 *    installs the tarballs with npm, plus TypeScript and @types/node.
 * 3. A consumer file re-exports every public export of every package; it and every quickstart are
 *    type-checked under `module: nodenext` and under `moduleResolution: bundler`.
 * 4. Each package is `require()`d from CommonJS and `import()`ed from ESM, and must resolve inside the
 *    fresh project's node_modules.
 * 5. Each package's quickstart (tooling/demo/src/<db>.ts) is compiled against the installed types and
 *    run against the local servers. The quickstarts only need `useServer` from the test tooling: the
 *    fresh project gets a stand-in package that answers with the infos of servers this script started.
 *
 * Any failure exits non-zero with the step and the tool's own output.
 */
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, type ServerName, status, useServer } from '@dbwire/test-servers';
import { arangoCredentials } from '@dbwire/test-servers/arango';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const keep = process.env.DBWIRE_PACK_KEEP === '1';
const only = process.argv.slice(2);

interface Pkg {
  dir: string;
  name: string;
  /** Short name used for files: `core`, `dgraph-client`, ... */
  short: string;
  tarball: string;
}

class StepError extends Error {}

function run(cmd: string, args: string[], opts: SpawnSyncOptions & { step: string }): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.error) throw new StepError(`${opts.step}: ${res.error.message}`);
  if (res.status !== 0) throw new StepError(`${opts.step} failed (exit ${res.status}):\n${out.trim()}`);
  return out;
}

const t0 = Date.now();
function log(line: string): void {
  console.log(`pack-test [${((Date.now() - t0) / 1000).toFixed(1)} s]: ${line}`);
}

/** The pnpm that runs this script (npm_execpath), or the pinned one through npx. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && basename(execPath).includes('pnpm')) {
    return execPath.endsWith('.cjs') || execPath.endsWith('.js')
      ? [process.execPath, [execPath]]
      : [execPath, []];
  }
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
  return ['npx', ['--yes', `pnpm@${version}`]];
}

function publishablePackages(): Array<Omit<Pkg, 'tarball'>> {
  const out: Array<Omit<Pkg, 'tarball'>> = [];
  for (const short of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', short);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.private) continue;
    if (only.length > 0 && !only.includes(short) && short !== 'core') continue;
    out.push({ dir, name: pkg.name, short });
  }
  return out;
}

function pack(work: string): Pkg[] {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const [pnpm, pre] = pnpmCommand();
  const pkgs = publishablePackages().map((p) => {
    run(pnpm, [...pre, 'pack', '--pack-destination', tarballs], { cwd: p.dir, step: `pnpm pack ${p.name}` });
    const file = readdirSync(tarballs).find((f) =>
      f.startsWith(`${p.name.replace('@', '').replace('/', '-')}-`),
    );
    if (!file) throw new StepError(`pnpm pack ${p.name}: no tarball written`);
    return { ...p, tarball: join(tarballs, file) };
  });
  log(`packed ${pkgs.length} packages`);
  return pkgs;
}

/** Every bare module a published .js file imports (static, dynamic or require), by package name. */
function importedPackages(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(c|m)?js$/.test(entry.name)) {
        const code = readFileSync(path, 'utf8');
        const specs = [
          ...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
          ...code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g),
          ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
          ...code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
        ].map((m) => m[1]!);
        for (const spec of specs) {
          if (spec.startsWith('.') || spec.startsWith('node:') || isBuiltin(spec)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!found.has(name)) found.set(name, path.slice(dir.length + 1));
        }
      }
    }
  };
  walk(dir);
  return found;
}

/**
 * A package that imports a module it does not declare works in the workspace (pnpm links what some
 * other package declared) and breaks for users; lazily imported modules escape every other step.
 */
function checkDeclaredDependencies(p: Pkg, work: string): void {
  const dir = join(work, 'unpacked', p.short);
  mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', p.tarball, '-C', dir], { step: `unpack ${p.name}` });
  const manifest = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8'));
  const declared = new Set(
    ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
      Object.keys(manifest[k] ?? {}),
    ),
  );
  const undeclared = [...importedPackages(join(dir, 'package'))].filter(([name]) => !declared.has(name));
  if (undeclared.length > 0) {
    throw new StepError(
      `${p.name} imports modules its package.json does not declare: ${undeclared.map(([n, f]) => `${n} (in ${f})`).join(', ')}`,
    );
  }
}

function lintTarballs(pkgs: Pkg[], work: string): void {
  const bin = join(root, 'node_modules', '.bin');
  for (const p of pkgs) {
    checkDeclaredDependencies(p, work);
    run(join(bin, 'publint'), ['run', p.tarball, '--strict'], { cwd: root, step: `publint ${p.name}` });
    // ESM-only by design: CommonJS callers get the package through require(esm), on by default in every
    // Node these packages support (engines >= 20.19), and step 4 proves it. Every other rule applies.
    run(join(bin, 'attw'), [p.tarball, '--format', 'ascii', '--ignore-rules', 'cjs-resolves-to-esm'], {
      cwd: root,
      step: `arethetypeswrong ${p.name}`,
    });
  }
  log(`declared dependencies, publint and arethetypeswrong clean for ${pkgs.length} tarballs`);
}

/** What the quickstarts may import from the test tooling; the stand-in package provides exactly these. */
const standInModules = ['@dbwire/test-servers', '@dbwire/test-servers/arango'];

/** The quickstarts need `useServer` (and the replay's credentials) only; this stand-in answers with infos recorded by this script. */
function writeTestServersStandIn(project: string): string {
  const dir = join(project, 'stand-ins', 'test-servers');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: '@dbwire/test-servers',
      version: '0.0.0',
      private: true,
      type: 'module',
      exports: {
        '.': { types: './index.d.ts', default: './index.js' },
        './arango': { types: './arango.d.ts', default: './arango.js' },
      },
    }),
  );
  writeFileSync(
    join(dir, 'arango.js'),
    [
      "import { readFileSync } from 'node:fs';",
      'export function arangoCredentials() {',
      '  return JSON.parse(readFileSync(process.env.DBWIRE_PACK_SERVERS, "utf8")).arangoCredentials;',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'arango.d.ts'),
    'export declare function arangoCredentials(): { username: string; password: string };\n',
  );
  writeFileSync(
    join(dir, 'index.js'),
    [
      "import { readFileSync } from 'node:fs';",
      'const infos = JSON.parse(readFileSync(process.env.DBWIRE_PACK_SERVERS, "utf8")).servers;',
      'export async function useServer(name) {',
      '  const info = infos[name];',
      "  if (!info) throw new Error('pack test: server ' + name + ' was not started for this quickstart');",
      '  return info;',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'index.d.ts'),
    [
      'export interface ServerInfo { name: string; external: boolean; endpoints: string[]; [key: string]: unknown }',
      'export declare function useServer(name: string, log?: (line: string) => void): Promise<ServerInfo>;',
      '',
    ].join('\n'),
  );
  return dir;
}

function quickstarts(pkgs: Pkg[]): Array<{ file: string; pkg: Pkg; servers: ServerName[] }> {
  const demoDir = join(root, 'tooling', 'demo', 'src');
  const out: Array<{ file: string; pkg: Pkg; servers: ServerName[] }> = [];
  for (const file of readdirSync(demoDir).sort()) {
    if (!file.endsWith('.ts') || file === 'main.ts' || file.endsWith('.test.ts')) continue;
    const source = readFileSync(join(demoDir, file), 'utf8');
    const imports = [...source.matchAll(/^import[\s\S]*? from '([^']+)';/gm)].map((m) => m[1]!);
    const pkg = pkgs.find((p) => imports.includes(p.name));
    if (!pkg) continue;
    for (const spec of imports) {
      const allowed =
        spec.startsWith('node:') || standInModules.includes(spec) || pkgs.some((p) => p.name === spec);
      if (!allowed)
        throw new StepError(
          `quickstart ${file} imports '${spec}', which a user of the published packages cannot have`,
        );
    }
    const servers = [
      ...new Set([...source.matchAll(/useServer\('([^']+)'/g)].map((m) => m[1] as ServerName)),
    ];
    out.push({ file: join(demoDir, file), pkg, servers });
  }
  return out;
}

/** Every export name of each installed package, read from its published types. */
function exportNames(project: string, pkgs: Pkg[]): Map<string, string[]> {
  const probe = join(project, 'src', '__probe.ts');
  writeFileSync(probe, pkgs.map((p, i) => `import * as m${i} from '${p.name}';\nvoid m${i};`).join('\n'));
  const program = ts.createProgram([probe], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(project, 'node_modules', '@types')],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  if (!source) throw new StepError('export probe did not load');
  const names = new Map<string, string[]>();
  for (const stmt of source.statements) {
    if (!ts.isImportDeclaration(stmt)) continue;
    const spec = (stmt.moduleSpecifier as ts.StringLiteral).text;
    const symbol = checker.getSymbolAtLocation(stmt.moduleSpecifier);
    if (!symbol) throw new StepError(`${spec}: its types do not resolve from the installed package`);
    names.set(
      spec,
      checker
        .getExportsOfModule(symbol)
        .map((s) => s.getName())
        .filter((n) => n !== 'default')
        .sort(),
    );
  }
  rmSync(probe);
  return names;
}

function writeProject(project: string, pkgs: Pkg[], standIn: string): void {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'dbwire-consumer', private: true, type: 'module' }, null, 2),
  );
  mkdirSync(join(project, 'src'), { recursive: true });
  const deps = [
    ...pkgs.map((p) => p.tarball),
    standIn,
    `typescript@${rootPkg.devDependencies.typescript}`,
    `@types/node@${rootPkg.devDependencies['@types/node']}`,
  ];
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps], {
    cwd: project,
    step: 'npm install of the tarballs',
  });
  log(`installed ${pkgs.length} tarballs into ${project}`);
}

function typeCheck(project: string, pkgs: Pkg[], qs: Array<{ file: string }>): void {
  const names = exportNames(project, pkgs);
  for (const p of pkgs) {
    const list = names.get(p.name) ?? [];
    if (list.length === 0) throw new StepError(`${p.name}: no public exports found in its published types`);
    writeFileSync(
      join(project, 'src', `exports-${p.short}.ts`),
      `export {\n  ${list.join(',\n  ')},\n} from '${p.name}';\n`,
    );
    log(`${p.name}: ${list.length} public exports`);
  }
  mkdirSync(join(project, 'quickstarts'), { recursive: true });
  for (const q of qs) cpSync(q.file, join(project, 'quickstarts', basename(q.file)));
  const common = {
    target: 'es2022',
    lib: ['es2023'],
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'build',
    rootDir: '.',
  };
  const configs = {
    'tsconfig.nodenext.json': { ...common, module: 'nodenext', moduleResolution: 'nodenext' },
    // The .d.ts files are the same under both settings and were checked above; here only how the
    // package names and export maps resolve differs, so library checking is skipped to halve the cost.
    'tsconfig.bundler.json': {
      ...common,
      module: 'esnext',
      moduleResolution: 'bundler',
      noEmit: true,
      skipLibCheck: true,
    },
  };
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [file, compilerOptions] of Object.entries(configs)) {
    writeFileSync(
      join(project, file),
      JSON.stringify({ compilerOptions, include: ['src/**/*.ts', 'quickstarts/**/*.ts'] }, null, 2),
    );
    run(process.execPath, [tsc, '-p', file], { cwd: project, step: `type-check (${file})` });
    log(`consumer and quickstarts type-check under ${file.replace('tsconfig.', '').replace('.json', '')}`);
  }
}

function loadFromBothModuleSystems(project: string, pkgs: Pkg[]): void {
  const modules = join(project, 'node_modules');
  const cjs = [
    "const { realpathSync } = require('node:fs');",
    `const names = ${JSON.stringify(pkgs.map((p) => p.name))};`,
    'for (const name of names) {',
    '  const where = realpathSync(require.resolve(name));',
    `  if (!where.startsWith(${JSON.stringify(modules)})) throw new Error(name + ' resolved outside the fresh project: ' + where);`,
    '  const m = require(name);',
    "  if (Object.keys(m).length === 0) throw new Error(name + ': require() gave an empty module');",
    '}',
    "console.log('required ' + names.length + ' packages from CommonJS');",
  ].join('\n');
  writeFileSync(join(project, 'check.cjs'), cjs);
  log(run(process.execPath, ['check.cjs'], { cwd: project, step: 'require() from CommonJS' }).trim());
  const esm = [
    "import { realpathSync } from 'node:fs';",
    "import { fileURLToPath } from 'node:url';",
    `const names = ${JSON.stringify(pkgs.map((p) => p.name))};`,
    'for (const name of names) {',
    '  const where = realpathSync(fileURLToPath(import.meta.resolve(name)));',
    `  if (!where.startsWith(${JSON.stringify(modules)})) throw new Error(name + ' resolved outside the fresh project: ' + where);`,
    '  const m = await import(name);',
    "  if (Object.keys(m).length === 0) throw new Error(name + ': import() gave an empty module');",
    '}',
    "console.log('imported ' + names.length + ' packages from ESM');",
  ].join('\n');
  writeFileSync(join(project, 'check.mjs'), esm);
  log(run(process.execPath, ['check.mjs'], { cwd: project, step: 'import() from ESM' }).trim());
}

async function runQuickstarts(
  project: string,
  qs: Array<{ file: string; pkg: Pkg; servers: ServerName[] }>,
): Promise<void> {
  const wanted = [...new Set(qs.flatMap((q) => q.servers))];
  const before = new Set((await status()).filter((s) => s.running).map((s) => s.name));
  const infos: Record<string, unknown> = {};
  try {
    for (const name of wanted) infos[name] = await useServer(name);
    const serversFile = join(project, 'servers.json');
    writeFileSync(serversFile, JSON.stringify({ servers: infos, arangoCredentials: arangoCredentials() }));
    for (const q of qs) {
      const js = join(project, 'build', 'quickstarts', basename(q.file).replace(/\.ts$/, '.js'));
      const started = Date.now();
      const out = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(js)}); await m.run((line) => console.log('  ' + line));`,
        ],
        {
          cwd: project,
          step: `quickstart of ${q.pkg.name}`,
          env: { ...process.env, DBWIRE_PACK_SERVERS: serversFile },
          timeout: 180_000,
        },
      );
      const lines = out.trim().split('\n').length;
      log(
        `quickstart of ${q.pkg.name} ran from the installed tarball (${lines} lines, ${Date.now() - started} ms)`,
      );
    }
  } finally {
    if (process.env.DBWIRE_KEEP_SERVERS !== '1') await down(wanted.filter((n) => !before.has(n)));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'dbwire-pack-'));
  try {
    const pkgs = pack(work);
    lintTarballs(pkgs, work);
    const project = join(work, 'consumer');
    mkdirSync(project);
    const standIn = writeTestServersStandIn(project);
    const qs = quickstarts(pkgs);
    writeProject(project, pkgs, standIn);
    typeCheck(project, pkgs, qs);
    loadFromBothModuleSystems(project, pkgs);
    await runQuickstarts(project, qs);
    const missing = pkgs.filter((p) => p.short !== 'core' && !qs.some((q) => q.pkg === p)).map((p) => p.name);
    if (missing.length > 0) log(`no quickstart yet for: ${missing.join(', ')}`);
    log(`ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`pack-test: FAILED: ${err instanceof StepError ? err.message : (err?.stack ?? err)}`);
  process.exit(1);
});
