#!/usr/bin/env bash
# Builds the upstream binaries the local TKO control plane and the tests need
# (kube-apiserver, kube-controller-manager, kubectl, etcd, kapp-controller,
# kapp, ytt, vendir, krew, and dex, the OpenID provider of the auth tests) from
# pinned Go modules, fetches Prometheus, Alertmanager, headless Chromium and
# OpenLDAP's slapd (the directory behind Dex in the LDAP login test) from
# Debian's packages, and caches them by version outside the repository so
# only the first run pays for them.
#
# usage: hack/tools.sh [TOOL...]            build or fetch (no TOOL: all but the backup tools)
#        hack/tools.sh --check TOOL...     only the checks that need no build (Debian pins, Go modules)
#        hack/tools.sh --resolve [TOOL...] the Debian packages a fresh machine would fetch now
#        hack/tools.sh --env [TOOL...]     TKO_<TOOL>=path lines
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
# report's screenshot test. Pinned by upstream version, never by Debian
# revision: Debian replaces a revision with each security update and drops
# the old one from its archive, so whatever revision Debian serves of the
# upstream version is fetched, and cached under the exact version fetched.
prometheus_version=2.42.0
alertmanager_version=0.25.0
# Any Chromium this recent renders the report; Debian ships only the newest.
chromium_major_min=120
chromium_libs=(libflac12 libxnvctrl0 libdouble-conversion3 libharfbuzz-subset0 libminizip1 libopenh264-7
  libopenjp2-7 libopus0 libpulse0 libasyncns0 libogg0 libsndfile1 libmp3lame0 libmpg123-0 libvorbis0a libvorbisenc2)
# OpenLDAP's slapd (and slapadd, the same binary) for the LDAP login test,
# with libldap of the same Debian version (slapd depends on exactly that
# one) and the two libraries ldd finds missing on the base image; the
# modules (back_mdb, memberof) are in the slapd package's usr/lib/ldap.
slapd_version=2.5.13
slapd_libs=(libltdl7 libwrap0)
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
# A module that cannot be downloaded says why, in one line: go mod
# download puts its error in the JSON, not on stderr.
module_dir() {
  local json dir
  json=$(cd "$(mktemp -d)" && go mod download -json "$1") || true
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
  if [[ -z $dir ]]; then
    echo "hack/tools.sh: cannot download Go module $1: $(sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p' <<<"$json" | head -1); check GOPROXY ($(go env GOPROXY)) and the Go environment (go env GOMODCACHE)" >&2
    return 1
  fi
  echo "$dir"
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

# deb_upstream VERSION: the upstream part of a Debian version: no epoch, no
# Debian revision, no repack suffix (+ds, +dfsg) or ~ tail.
deb_upstream() {
  local v=${1#*:}
  v=${v%-*}
  v=${v%%+*}
  echo "${v%%~*}"
}

# apt_versions PACKAGE: the binary versions the package index offers, the
# candidate first. With no index (a fresh machine, or an image whose lists
# were cleaned) the index is refreshed once, as root; otherwise one line says
# how to refresh it.
apt_refreshed=""
apt_versions() {
  local versions
  command -v apt-cache >/dev/null || { echo "hack/tools.sh: $1 comes from Debian's packages and this machine has no apt-cache: run on Debian or Ubuntu, or put the tool on TKO_TOOLS_DIR by hand" >&2; return 1; }
  versions=$(apt_offers "$1")
  if [[ -z $versions && -z $apt_refreshed ]]; then
    apt_refreshed=1
    if [[ $(id -u) != 0 ]]; then
      echo "hack/tools.sh: the package index does not list $1: run 'sudo apt-get update' once, then rerun" >&2
      return 1
    fi
    apt_refresh || return 1
    versions=$(apt_offers "$1")
  fi
  echo "$versions"
}

apt_refresh() {
  apt_refreshed=1
  echo "refreshing the package index (apt-get update)" >&2
  apt-get update >/dev/null || { echo "hack/tools.sh: apt-get update failed: check that Debian's archive is reachable" >&2; return 1; }
}

apt_offers() {
  {
    apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '^(none)$' || true
    apt-cache madison "$1" 2>/dev/null | awk -F'|' '$3 ~ /Packages/ {gsub(/ /, "", $2); print $2}'
  } | awk 'NF && !seen[$0]++'
}

# deb_resolve TOOL: prints "PACKAGE=DEBIAN_VERSION ..." for what TOOL needs,
# chosen by upstream version from what the package index offers now, without
# looking at the cache; or one line naming what was wanted and what Debian
# offers, and fails.
deb_resolve() {
  local tool=$1 package want v offered
  case $tool in
    prometheus) package=prometheus want=$prometheus_version ;;
    alertmanager) package=prometheus-alertmanager want=$alertmanager_version ;;
    chromium) package=chromium want="$chromium_major_min or newer" ;;
    slapd) package=slapd want=$slapd_version ;;
  esac
  offered=$(apt_versions "$package") || return 1
  if [[ -z $offered ]]; then
    echo "hack/tools.sh: Debian offers no $package package here (wanted upstream $want): check /etc/apt/sources.list for bookworm main" >&2
    return 1
  fi
  for v in $offered; do
    case $tool in
      chromium) local major; major=$(deb_upstream "$v"); major=${major%%.*}
        [[ $major =~ ^[0-9]+$ ]] && ((major >= chromium_major_min)) || continue
        deb_libs_offered chromium "$v" "${chromium_libs[@]}" || return 1
        echo "chromium=$v chromium-common=$v ${chromium_libs[*]}"; return 0 ;;
      slapd) [[ $(deb_upstream "$v") == "$want" ]] || continue
        apt_offers libldap-2.5-0 | grep -qxF "$v" ||
          { echo "hack/tools.sh: slapd $v needs libldap-2.5-0 $v, which Debian does not offer: pin a version Debian serves in hack/tools.sh" >&2; return 1; }
        deb_libs_offered slapd "$v" "${slapd_libs[@]}" || return 1
        echo "slapd=$v libldap-2.5-0=$v ${slapd_libs[*]}"; return 0 ;;
      *) [[ $(deb_upstream "$v") == "$want" ]] || continue
        echo "$package=$v"; return 0 ;;
    esac
  done
  echo "hack/tools.sh: $tool: wanted upstream $want, Debian offers $package $(echo $offered | sed 's/ /, /g'): pin a version Debian serves in hack/tools.sh" >&2
  return 1
}

# deb_libs_offered TOOL VERSION LIB...: whether the index offers every
# library TOOL needs beside its own package (any version: the libraries
# follow Debian's candidate, as the base image's own libraries do); or one
# line naming the one gone.
deb_libs_offered() {
  local tool=$1 v=$2 lib offered; shift 2
  offered=" $(apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ]/ {p = $1; sub(/:$/, "", p)} /^ *Candidate:/ && $2 != "(none)" {printf "%s ", p}')"
  for lib; do
    [[ $offered == *" $lib "* ]] ||
      { echo "hack/tools.sh: $tool $v needs $lib, which Debian no longer offers: update ${tool}_libs in hack/tools.sh" >&2; return 1; }
  done
}

# deb_dir TOOL: the cache entry tests and the demo use; a link to the exact
# version fetched.
deb_dir() {
  case $1 in
    prometheus) echo "$cache/debian/prometheus-$prometheus_version" ;;
    alertmanager) echo "$cache/debian/alertmanager-$alertmanager_version" ;;
    chromium) echo "$cache/debian/chromium" ;;
    slapd) echo "$cache/debian/slapd-$slapd_version" ;;
  esac
}

# deb_fetch TOOL: resolves TOOL's packages, downloads and unpacks them into
# $cache/debian/TOOL-EXACT_VERSION/root (once) and prints that directory. A
# failed download leaves apt-get's words in $cache/debian/TOOL.log and
# nothing in the cache: apt-get warns on every download as root (no _apt
# sandbox), so its words are shown only when the fetch fails for good.
deb_fetch() {
  local tool=$1 packages exact dest debs start=$SECONDS
  packages=$(deb_resolve "$tool") || return 1
  exact=${packages%% *}
  exact=${exact#*=}
  dest="$cache/debian/$tool-$exact"
  if [[ ! -f $dest/.complete ]]; then
    echo "fetching Debian packages for $tool $exact (first run only; cached in $dest)" >&2
    rm -rf "$dest" && mkdir -p "$dest/debs"
    # shellcheck disable=SC2086 # one word per package
    if ! (cd "$dest/debs" && apt-get download $packages >"$cache/debian/$tool.log" 2>&1); then
      echo "apt-get download $packages failed" >>"$cache/debian/$tool.log"
      rm -rf "$dest"
      return 1
    fi
    for debs in "$dest"/debs/*.deb; do dpkg -x "$debs" "$dest/root"; done
    rm -rf "$dest/debs" "$cache/debian/$tool.log"
    echo "$exact" >"$dest/.complete"
    echo "fetched $tool in $((SECONDS - start))s" >&2
  fi
  echo "$dest"
}

# debian TOOL: fetches TOOL's packages and links deb_dir to them. A stale
# index names revisions the archive has dropped: after a failed download it
# is refreshed once (as root) and the pin resolved again.
debian() {
  local tool=$1 link dest
  link=$(deb_dir "$tool")
  [[ -f $link/.complete ]] && return 0
  rm -f "$cache/debian/$tool.log"
  if ! dest=$(deb_fetch "$tool"); then
    if [[ ! -f $cache/debian/$tool.log ]]; then return 1; fi # the pin did not resolve: already said
    if ! { [[ -z $apt_refreshed && $(id -u) == 0 ]] && apt_refresh && dest=$(deb_fetch "$tool"); }; then
      [[ -f $cache/debian/$tool.log ]] && cat "$cache/debian/$tool.log" >&2
      echo "hack/tools.sh: fetching $tool from Debian failed: check that Debian's archive is reachable" >&2
      return 1
    fi
  fi
  rm -rf "$link"
  ln -s "$(basename "$dest")" "$link"
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
    golangci-lint) ;; # 'go tool' builds it on first use in make lint
    prometheus|alertmanager|chromium|slapd) debian "$1" ;;
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
    prometheus) echo "$(deb_dir prometheus)/root/usr/bin/prometheus" ;;
    alertmanager) echo "$(deb_dir alertmanager)/root/usr/bin/prometheus-alertmanager" ;;
    chromium) echo "$(deb_dir chromium)/root/usr/lib/chromium/chromium" ;;
    slapd) echo "$(deb_dir slapd)/root/usr/sbin/slapd" ;;
  esac
}

all=(crds etcd kube-apiserver kubectl kube-controller-manager kapp-controller kapp ytt vendir krew dex prometheus alertmanager chromium slapd)
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

# go_dir TOOL: the directory under hack/tools whose go.mod pins TOOL, for the
# tools built from Go modules.
go_dir() {
  case $1 in
    kube-apiserver|kubectl|kube-controller-manager) echo kube ;;
    etcd|krew|dex|vendir|velero|versitygw) echo "$1" ;;
    kapp-controller) echo kappctrl ;;
    kapp|ytt) echo carvel ;;
    velero-plugin-for-aws) echo velero-aws ;;
    golangci-lint) echo lint ;; # built by 'go tool' in make lint; only checked here
  esac
}

# built TOOL: whether the binary of a Go-built tool is in the cache.
built() {
  local p
  p=$(path_of "$1")
  [[ -d $p ]] && p=$p/$1
  [[ -f $p && -x $p ]]
}

is_debian() { [[ $1 == prometheus || $1 == alertmanager || $1 == chromium || $1 == slapd ]]; }

# preflight TOOL...: everything that can fail without compiling, before the
# long builds: each Debian pin resolved against the package index and every
# Go module each missing tool needs downloaded, so a fresh machine learns of a
# vanished package or module in seconds, not after half an hour of building.
preflight() {
  local t dir start=$SECONDS checked=() dirs=()
  for t in "$@"; do
    if is_debian "$t"; then
      [[ -f $(deb_dir "$t")/.complete ]] && continue
      deb_resolve "$t" >/dev/null || return 1
      checked+=("$t")
    else
      dir=$(go_dir "$t")
      [[ -n $dir ]] && ! built "$t" || continue
      [[ " ${dirs[*]} " == *" $dir "* ]] || dirs+=("$dir")
    fi
  done
  # With everything cached there is nothing to check; otherwise the
  # plugins' own modules too, which make builds after the tools.
  ((${#checked[@]} + ${#dirs[@]})) || return 0
  for dir in . "${dirs[@]}"; do
    local gomod=hack/tools/$dir/go.mod
    [[ $dir == . ]] && gomod=go.mod
    (cd "$here/../$(dirname "$gomod")" && go mod download) ||
      { echo "hack/tools.sh: the Go modules pinned in $gomod could not be downloaded: check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2; return 1; }
    [[ $dir == . ]] || checked+=("$dir")
  done
  if ((${#checked[@]})); then
    echo "checked before building: ${checked[*]} ($((SECONDS - start))s)" >&2
  fi
}

case ${1:-} in
  --resolve)
    # Resolves the Debian pins against the package index, ignoring the cache:
    # what a fresh machine would fetch now. One "TOOL PACKAGES" line each. As
    # root the index is refreshed first, so a revision the archive dropped is
    # not reported as offered (TKO_APT_NO_REFRESH=1 leaves it as it is).
    shift
    if [[ $(id -u) == 0 && ${TKO_APT_NO_REFRESH:-} == "" ]]; then apt_refresh || exit 1; fi
    debs=("${@:-prometheus}")
    [[ $# -gt 0 ]] || debs=(prometheus alertmanager chromium slapd)
    for t in "${debs[@]}"; do
      packages=$(deb_resolve "$t") || exit 1
      echo "$t $packages"
    done
    exit 0 ;;
  --check)
    shift
    preflight "$@"
    exit ;;
esac

tools=("${@:-${all[@]}}")
preflight "${tools[@]}"
# One build at a time per cache: two runs at once (make test beside make
# demo, two checkouts) would otherwise build the same tool into the same
# temporary file. The second waits, then finds the tools built.
mkdir -p "$cache"
if command -v flock >/dev/null; then
  exec 9>"$cache/.build.lock"
  if ! flock -n 9; then
    echo "waiting for another hack/tools.sh run to finish with $cache" >&2
    flock 9
  fi
fi
# The Debian packages first: they take seconds and can still fail.
for t in "${tools[@]}"; do
  if is_debian "$t"; then tool "$t"; fi
done
for t in "${tools[@]}"; do
  if ! is_debian "$t"; then tool "$t"; fi
done
