#!/usr/bin/env bash
# Domain packages are libraries: nothing below them may reach cobra or the
# command layer (internal/cli, internal/cmdutil), and they do no terminal
# handling themselves. The umbrella kubectl-tko links no Kubernetes client
# library (it only lists and forwards): that keeps it a few megabytes.
# golang.org/x/term is checked among direct imports only: client-go's exec
# credential plugin (k8s.io/client-go/rest) needs it, so every package that
# talks to an API server has it among its dependencies. Each check runs for
# every OS a release is built for: build tags choose other files per OS.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
# The command layer and the local test environment are not domain packages.
command_layer='^internal/(cli|cmdutil|docs|testenv|localcp|seed|buildinfo)$'
bad=0
for goos in linux darwin windows; do
  export GOOS=$goos
  for dir in $(go list -f '{{.Dir}}' ./internal/...); do
    rel=${dir#"$PWD/"}
    [[ $rel =~ $command_layer ]] && continue
    [[ $rel == internal/cli/* ]] && continue
    reach=$(go list -deps "./$rel" | grep -E "^(github.com/spf13/cobra|$mod/internal/cli|$mod/internal/cmdutil)$" || true)
    direct=$(go list -f '{{join .Imports "\n"}}' "./$rel" | grep -E '^golang.org/x/term$' || true)
    if [[ -n $reach || -n $direct ]]; then
      echo "$rel reaches the command layer on $goos: $(echo $reach $direct)" >&2
      bad=1
    fi
  done
  # Initialised at every start of a plugin that links them, needed by
  # none: the protobuf runtime (promapi and the metrics parser read text),
  # client-go's informers (internal/wait lists and watches), the typed core
  # API (posture decodes the fields it reads).
  unused=$(go list -deps ./plugins/kubectl-tko-* | grep -E '^(google.golang.org/protobuf/|k8s.io/client-go/tools/cache$|k8s.io/api/core/v1$)' | head -1 || true)
  if [[ -n $unused ]]; then
    echo "a plugin links $unused on $goos, initialised at every start: see 'go list -deps' for which one and why" >&2
    bad=1
  fi
  heavy=$(go list -deps ./plugins/kubectl-tko | grep -E "^(k8s.io/client-go/rest|k8s.io/apimachinery/pkg/apis/meta/v1|k8s.io/cli-runtime/pkg/printers|crypto/tls|$mod/internal/explain)$" || true)
  if [[ -n $heavy ]]; then
    echo "the umbrella kubectl-tko links $(echo $heavy) on $goos: it must stay on internal/cmdutil and explain/base" >&2
    bad=1
  fi
done
[[ $bad == 0 ]] && echo "domain packages: no cobra or internal/cli below them, no direct x/term; the umbrella links no Kubernetes client; no plugin links the protobuf runtime, informers or the typed core API (linux, darwin, windows)"
exit $bad
