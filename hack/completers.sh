#!/usr/bin/env bash
# Writes the kubectl_complete-* helpers kubectl 1.26+ runs to complete the
# arguments of plugins, into DIR. usage: hack/completers.sh DIR
set -euo pipefail
dir=${1:?usage: hack/completers.sh DIR}
mkdir -p "$dir"
write() { # NAME BINARY...: run the first binary found with __complete
  local name=$1; shift
  {
    echo '#!/bin/sh'
    echo "# kubectl runs this to complete the arguments of the plugin ${name#kubectl_complete-} (kubectl tko)."
    for bin in "$@"; do
      echo "command -v $bin >/dev/null 2>&1 && exec $bin __complete \"\$@\""
    done
    echo 'exit 0'
  } > "$dir/$name"
  chmod 0755 "$dir/$name"
}
write kubectl_complete-tko kubectl-tko
# Every plugin but the umbrella, from the one plugin list.
for p in $(awk -F'\t' '!/^#/ && NF && $1 != "kubectl-tko" {sub(/^kubectl-tko-/, "", $1); print $1}' "$(dirname "$0")/../internal/pluginlist/plugins.tsv"); do
  write "kubectl_complete-tko-$p" "kubectl-tko-$p" "kubectl-tko_$p"
  write "kubectl_complete-tko_$p" "kubectl-tko_$p" "kubectl-tko-$p"
done
