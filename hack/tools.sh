#!/usr/bin/env bash
# Builds the upstream binaries the local TKO control plane and the tests need
# (kube-apiserver, kube-controller-manager, kubectl, etcd, kapp-controller,
# kapp, ytt, vendir, krew, and dex, the OpenID provider of the auth tests) from
# pinned Go modules, fetches Prometheus, Alertmanager and headless Chromium
# from Debian's packages, and caches them by version outside the repository
# so only the first run pays for them.
#
# usage: hack/tools.sh [--print-dir] [TOOL...]   (no TOOL: all of them)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${TKO_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-tko/tools}

kube_version=v1.37.2
etcd_version=v3.6.16
kappctrl_version=v0.51.0
kapp_version=v0.64.0
ytt_version=v0.52.0
vendir_version=v0.40.0
krew_version=v0.4.4
capi_version=v1.14.2
# Dex publishes no Go-module-compatible v2 tags: this pseudo-version is tag v2.45.1.
dex_version=v0.0.0-20260303133905-11d2eeb52b42
# Debian bookworm's packages (apt-get download + dpkg -x, nothing installed):
# Prometheus and Alertmanager as TKG's Prometheus package runs them, and
# headless Chromium (with the libraries the base image lacks) for the
# report's screenshot test.
prometheus_deb=2.42.0+ds-5+b6
alertmanager_deb=0.25.0-1+b4
chromium_libs=(libflac12 libxnvctrl0 libdouble-conversion3 libharfbuzz-subset0 libminizip1 libopenh264-7
  libopenjp2-7 libopus0 libpulse0 libasyncns0 libogg0 libsndfile1 libmp3lame0 libmpg123-0 libvorbis0a libvorbisenc2)
velero_version=v1.18.3
velero_aws_version=v1.14.3
versitygw_version=v1.8.0

# kapp-controller's sidecar reaps every child process every second, for
# when it is PID 1 in its container. Out of cluster it is not, and the reaper
# races exec's own wait ("waitid: no child processes" failing a reconcile),
# so our build uses a copy of the module without that one line.
kappctrl_build=${kappctrl_version}-no-reaper

# kappctrl_modfile prints a go.mod for hack/tools/kappctrl that builds
# kapp-controller from the patched copy.
kappctrl_modfile() {
  local work="$cache/$kappctrl_build/src" dir
  dir=$(cd "$here/tools/kappctrl" && go list -m -f '{{.Dir}}' github.com/vmware-tanzu/carvel-kapp-controller)
  rm -rf "$work" && mkdir -p "$work"
  cp -r "$dir/." "$work/mod" && chmod -R u+w "$work/mod"
  grep -q 'go reapZombies(mainLog)' "$work/mod/cmd/controller/sidecarexec.go" ||
    { echo "kapp-controller's sidecar changed: review kappctrl_modfile in hack/tools.sh" >&2; return 1; }
  sed -i '/go reapZombies(mainLog)/d' "$work/mod/cmd/controller/sidecarexec.go"
  cp "$here/tools/kappctrl/go.mod" "$work/go.mod"
  cp "$here/tools/kappctrl/go.sum" "$work/go.sum"
  echo "replace github.com/vmware-tanzu/carvel-kapp-controller => $work/mod" >>"$work/go.mod"
  echo "$work/go.mod"
}

# module_dir MODULE@VERSION: where the Go module cache unpacked it.
module_dir() {
  (cd "$(mktemp -d)" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

# crds copies the upstream CRDs out of the module zips into the cache.
crds() {
  local capi="$cache/crds/cluster-api-$capi_version" kc="$cache/crds/kapp-controller-$kappctrl_version"
  if [[ ! -f $capi/.complete ]]; then
    local dir
    dir=$(module_dir "sigs.k8s.io/cluster-api@$capi_version")
    mkdir -p "$capi"
    cp "$dir"/core/config/crd/bases/cluster.x-k8s.io_*.yaml \
       "$dir"/controlplane/kubeadm/config/crd/bases/*.yaml \
       "$dir"/bootstrap/kubeadm/config/crd/bases/*.yaml "$capi/"
    chmod 0644 "$capi"/*.yaml
    touch "$capi/.complete"
  fi
  if [[ ! -f $kc/crds.yml ]]; then
    local dir
    dir=$(module_dir "github.com/vmware-tanzu/carvel-kapp-controller@$kappctrl_version")
    mkdir -p "$kc"
    cp "$dir/config/config/crds.yml" "$kc/crds.yml.tmp"
    chmod 0644 "$kc/crds.yml.tmp"
    mv "$kc/crds.yml.tmp" "$kc/crds.yml"
  fi
}

# debian NAME PACKAGE[=VERSION]...: downloads Debian packages and unpacks
# them into $cache/debian/NAME/root. apt-get download needs package lists:
# when it fails, the lists are refreshed once and it is tried again.
debian() {
  local name=$1 dest="$cache/debian/$1"
  shift
  [[ -f $dest/.complete ]] && return 0
  echo "fetching Debian packages for $name: $* (first run only; cached in $dest)" >&2
  local start=$SECONDS debs
  rm -rf "$dest" && mkdir -p "$dest/debs"
  if ! (cd "$dest/debs" && apt-get download "$@" >/dev/null 2>&1); then
    apt-get update >/dev/null
    (cd "$dest/debs" && apt-get download "$@" >/dev/null)
  fi
  for debs in "$dest"/debs/*.deb; do dpkg -x "$debs" "$dest/root"; done
  rm -rf "$dest/debs"
  touch "$dest/.complete"
  echo "fetched $name in $((SECONDS - start))s" >&2
}

# velero_crds copies Velero's v1 and v2alpha1 CRDs (the server refuses to
# start without DataUpload and DataDownload) out of the module zip.
velero_crds() {
  local dest="$cache/crds/velero-$velero_version" dir
  [[ -f $dest/.complete ]] && return 0
  dir=$(module_dir "github.com/vmware-tanzu/velero@$velero_version")
  mkdir -p "$dest"
  cp "$dir"/config/crd/v1/bases/*.yaml "$dir"/config/crd/v2alpha1/bases/*.yaml "$dest/"
  chmod 0644 "$dest"/*.yaml
  touch "$dest/.complete"
}

kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${kube_version} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/client-go/pkg/version.gitVersion=${kube_version} -X k8s.io/component-base/version.gitTreeState=clean"

# build NAME VERSION MODULE_DIR PACKAGE [LDFLAGS [MODFILE_FUNC]]
build() {
  local name=$1 version=$2 dir=$3 pkg=$4 ldflags=${5:-"-s -w"} modfile_func=${6:-} modfile=""
  local dest="$cache/$version/$name"
  if [[ -x $dest ]]; then
    return 0
  fi
  mkdir -p "$cache/$version"
  echo "building $name $version (first run only; cached in $cache)" >&2
  local start=$SECONDS
  if [[ -n $modfile_func ]]; then modfile=$($modfile_func); fi
  (cd "$here/tools/$dir" && CGO_ENABLED=0 go build -trimpath ${modfile:+-modfile "$modfile"} -ldflags "$ldflags" -o "$dest.tmp" "$pkg")
  mv "$dest.tmp" "$dest"
  echo "built $name in $((SECONDS - start))s" >&2
}

tool() {
  case $1 in
    kube-apiserver) build kube-apiserver "$kube_version" kube k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags" ;;
    kubectl) build kubectl "$kube_version" kube k8s.io/kubernetes/cmd/kubectl "$kube_ldflags" ;;
    kube-controller-manager) build kube-controller-manager "$kube_version" kube k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags" ;;
    etcd) build etcd "$etcd_version" etcd go.etcd.io/etcd/server/v3 ;;
    kapp-controller) build kapp-controller "$kappctrl_build" kappctrl github.com/vmware-tanzu/carvel-kapp-controller/cmd/controller "-s -w" kappctrl_modfile ;;
    kapp) build kapp "$kapp_version" carvel carvel.dev/kapp/cmd/kapp ;;
    ytt) build ytt "$ytt_version" carvel carvel.dev/ytt/cmd/ytt ;;
    vendir) build vendir "$vendir_version" vendir carvel.dev/vendir/cmd/vendir ;;
    krew) build krew "$krew_version" krew sigs.k8s.io/krew/cmd/krew ;;
    dex) build dex "dex-$dex_version" dex github.com/dexidp/dex/cmd/dex ;;
    velero) build velero "$velero_version" velero github.com/vmware-tanzu/velero/cmd/velero "-s -w -X github.com/vmware-tanzu/velero/pkg/buildinfo.Version=$velero_version" ;;
    velero-plugin-for-aws) build velero-plugin-for-aws "velero-plugins-$velero_aws_version" velero-aws github.com/vmware-tanzu/velero-plugin-for-aws/velero-plugin-for-aws ;;
    versitygw) build versitygw "$versitygw_version" versitygw github.com/versity/versitygw/cmd/versitygw ;;
    velero-crds) velero_crds ;;
    crds) crds ;;
    prometheus) debian prometheus-$prometheus_deb "prometheus=$prometheus_deb" ;;
    alertmanager) debian alertmanager-$alertmanager_deb "prometheus-alertmanager=$alertmanager_deb" ;;
    chromium) debian chromium chromium chromium-common "${chromium_libs[@]}" ;;
    *) echo "unknown tool $1" >&2; return 2 ;;
  esac
}

path_of() {
  case $1 in
    kube-apiserver|kubectl|kube-controller-manager) echo "$cache/$kube_version/$1" ;;
    etcd) echo "$cache/$etcd_version/$1" ;;
    kapp-controller) echo "$cache/$kappctrl_build/$1" ;;
    kapp) echo "$cache/$kapp_version/$1" ;;
    ytt) echo "$cache/$ytt_version/$1" ;;
    vendir) echo "$cache/$vendir_version/$1" ;;
    krew) echo "$cache/$krew_version/$1" ;;
    dex) echo "$cache/dex-$dex_version/$1" ;;
    velero) echo "$cache/$velero_version/velero" ;;
    velero-plugin-for-aws) echo "$cache/velero-plugins-$velero_aws_version" ;;
    versitygw) echo "$cache/$versitygw_version/versitygw" ;;
    velero-crds) echo "$cache/crds/velero-$velero_version" ;;
    crds) echo "$cache/crds" ;;
    prometheus) echo "$cache/debian/prometheus-$prometheus_deb/root/usr/bin/prometheus" ;;
    alertmanager) echo "$cache/debian/alertmanager-$alertmanager_deb/root/usr/bin/prometheus-alertmanager" ;;
    chromium) echo "$cache/debian/chromium/root/usr/lib/chromium/chromium" ;;
  esac
}

all=(crds etcd kube-apiserver kubectl kube-controller-manager kapp-controller kapp ytt vendir krew dex prometheus alertmanager chromium)
# Built only when asked for (test/backup needs them): velero is the slowest build.
backup_tools=(velero-crds velero velero-plugin-for-aws versitygw)

if [[ ${1:-} == --env ]]; then
  # Prints TKO_<TOOL>=path lines for the test harness and the Makefile.
  shift
  listed=("${all[@]}" "${backup_tools[@]}")
  [[ $# -gt 0 ]] && listed=("$@")
  for t in "${listed[@]}"; do
    var=$(echo "TKO_${t}" | tr 'a-z-' 'A-Z_')
    echo "$var=$(path_of "$t")"
  done
  echo "TKO_CAPI_CRDS=$cache/crds/cluster-api-$capi_version"
  echo "TKO_KAPPCTRL_CRDS=$cache/crds/kapp-controller-$kappctrl_version/crds.yml"
  exit 0
fi

for t in "${@:-${all[@]}}"; do
  tool "$t"
done
