#!/usr/bin/env bash
# Domain packages are libraries: nothing below them may reach cobra or the
# command layer (internal/cli), and they do no terminal handling themselves.
# golang.org/x/term is checked among direct imports only: client-go's exec
# credential plugin (k8s.io/client-go/rest) needs it, so every package that
# talks to an API server has it among its dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
# The command layer and the local test environment are not domain packages.
command_layer='^internal/(cli|docs|testenv|localcp|seed|buildinfo)$'
bad=0
for dir in $(go list -f '{{.Dir}}' ./internal/...); do
  rel=${dir#"$PWD/"}
  [[ $rel =~ $command_layer ]] && continue
  [[ $rel == internal/cli/* ]] && continue
  reach=$(go list -deps "./$rel" | grep -E "^(github.com/spf13/cobra|$mod/internal/cli)$" || true)
  direct=$(go list -f '{{join .Imports "\n"}}' "./$rel" | grep -E '^golang.org/x/term$' || true)
  if [[ -n $reach || -n $direct ]]; then
    echo "$rel reaches the command layer: $(echo $reach $direct)" >&2
    bad=1
  fi
done
[[ $bad == 0 ]] && echo "domain packages: no cobra or internal/cli below them; no direct x/term"
exit $bad
