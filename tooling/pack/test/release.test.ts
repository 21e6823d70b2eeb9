/**
 * Release readiness without a registry: `changeset status` accepts the pending changesets, and
 * `changeset version` on a scratch copy of the repository gives every package the version its
 * changesets ask for and a CHANGELOG entry carrying each changeset's summary.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const changesetBin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
const order = ['patch', 'minor', 'major'] as const;
type Bump = (typeof order)[number];

interface Changeset {
  file: string;
  bumps: Map<string, Bump>;
  summary: string;
}

/** The pending changesets, parsed from their front matter (the format changesets documents). */
function pendingChangesets(dir: string): Changeset[] {
  return readdirSync(join(dir, '.changeset'))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, '.changeset', file), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`${file}: no front matter`);
      const bumps = new Map<string, Bump>();
      for (const line of match[1]!.split('\n')) {
        const m = /^\s*"?([^":]+)"?\s*:\s*(patch|minor|major)\s*$/.exec(line);
        if (m) bumps.set(m[1]!, m[2] as Bump);
      }
      return { file, bumps, summary: match[2]!.trim() };
    });
}

function bumped(version: string, bump: Bump): string {
  const [maj, min, pat] = version.split('.').map(Number) as [number, number, number];
  if (bump === 'major') return `${maj + 1}.0.0`;
  if (bump === 'minor') return `${maj}.${min + 1}.0`;
  return `${maj}.${min}.${pat + 1}`;
}

function packages(dir: string): Map<string, { dir: string; version: string }> {
  const out = new Map<string, { dir: string; version: string }>();
  for (const short of readdirSync(join(dir, 'packages'))) {
    const manifest = join(dir, 'packages', short, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!pkg.private) out.set(pkg.name, { dir: join(dir, 'packages', short), version: pkg.version });
  }
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), 'dbwire-release-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('changesets', () => {
  const changesets = pendingChangesets(root);
  const before = packages(root);

  it('every changeset names only publishable packages, with a summary', () => {
    expect(changesets.length).toBeGreaterThan(0);
    for (const c of changesets) {
      expect(c.bumps.size, `${c.file} bumps no package`).toBeGreaterThan(0);
      expect(c.summary.length, `${c.file} has no summary`).toBeGreaterThan(10);
      for (const name of c.bumps.keys()) expect(before.has(name), `${c.file} names ${name}`).toBe(true);
    }
  });

  it('`changeset status` accepts the pending changesets', () => {
    const out = execFileSync(process.execPath, [changesetBin, 'status'], { cwd: root, encoding: 'utf8' });
    for (const name of new Set(changesets.flatMap((c) => [...c.bumps.keys()]))) expect(out).toContain(name);
  });

  it('`changeset version` on a scratch copy gives the versions and CHANGELOGs the changesets describe', () => {
    // Only what changesets reads: the workspace manifests, the packages' package.json/CHANGELOG and
    // .changeset. No node_modules, no git history needed for `version`.
    for (const entry of ['package.json', 'pnpm-workspace.yaml', '.changeset']) {
      cpSync(join(root, entry), join(scratch, entry), { recursive: true });
    }
    for (const [, pkg] of before) {
      const rel = pkg.dir.slice(root.length + 1);
      for (const f of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(join(pkg.dir, f)))
          cpSync(join(pkg.dir, f), join(scratch, rel, f), { recursive: true });
      }
    }
    for (const tool of readdirSync(join(root, 'tooling'))) {
      const manifest = join(root, 'tooling', tool, 'package.json');
      if (existsSync(manifest)) cpSync(manifest, join(scratch, 'tooling', tool, 'package.json'));
    }
    execFileSync(process.execPath, [changesetBin, 'version'], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: 'pipe',
    });

    const after = packages(scratch);
    for (const [name, pkg] of before) {
      const direct = changesets.flatMap((c) => (c.bumps.has(name) ? [c.bumps.get(name)!] : []));
      const highest = direct.reduce<Bump | undefined>(
        (acc, b) => (acc === undefined || order.indexOf(b) > order.indexOf(acc) ? b : acc),
        undefined,
      );
      const got = after.get(name)!.version;
      if (highest) {
        expect(got, name).toBe(bumped(pkg.version, highest));
        const changelog = readFileSync(join(after.get(name)!.dir, 'CHANGELOG.md'), 'utf8');
        expect(changelog.startsWith(`# ${name}\n\n## ${got}\n`), `${name} CHANGELOG heading`).toBe(true);
        for (const c of changesets.filter((c) => c.bumps.has(name))) {
          const firstLine = c.summary.split('\n')[0]!;
          expect(changelog, `${name} CHANGELOG lacks ${c.file}`).toContain(firstLine);
        }
      } else {
        // Bumped only because a dependency moved (updateInternalDependencies: patch), or not at all.
        expect([pkg.version, bumped(pkg.version, 'patch')], name).toContain(got);
      }
    }
    expect(
      readdirSync(join(scratch, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md'),
    ).toEqual([]);
  });
});
