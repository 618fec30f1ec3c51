#!/usr/bin/env bash
# A short tour of every kubectl tko plugin against the local TKO management
# cluster that `make demo` started. Usage: hack/demo.sh BIN_DIR ENV_DIR
set -euo pipefail
bin=$1 envdir=$2
kubectl_bin=${TKO_KUBECTL:?run through make demo}
tour=$(mktemp -d)
play=
trap 'if [ -n "$play" ]; then kill "$play"; fi; rm -rf "$tour"' EXIT
ln -s "$kubectl_bin" "$tour/kubectl"
export PATH="$bin:$tour:$PATH"
export KUBECONFIG="$envdir/kubeconfig"

step() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  "$@" || printf '(exit code %d)\n' "$?"
}

# Tables are tab-separated when piped (as here); align them for reading.
align() { if command -v column >/dev/null; then column -t -s $'\t'; else cat; fi; }
table() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  local rc=0
  "$@" >"$tour/out" 2>"$tour/err" || rc=$?
  align <"$tour/out"
  cat "$tour/err"
  if [ "$rc" -ne 0 ]; then printf '(exit code %d)\n' "$rc"; fi
}

echo "kubectl tko tour: a local TKO management cluster (real kube-apiserver $("$kubectl_bin" version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), etcd, Cluster API and kapp-controller CRDs)"
table kubectl tko
table kubectl tko version --plugins
table kubectl tko cluster list -A
table kubectl tko cluster list -A -o wide --include-management-cluster
table kubectl tko cluster describe wc-team-a -n team-a
step kubectl tko cluster list -A -o 'custom-columns=NAME:.metadata.name,TKR:.metadata.labels.run\.tanzu\.vmware\.com/tkr'
table kubectl tko cluster audit wc-prod-1
echo "Certificates, from the API alone: Grafana's TLS Secret expires in 10 days and nothing renews it (exit 1):"
table kubectl tko cluster inspect certs -A
step kubectl tko cluster inspect certs --rotate wc-prod-1 --dry-run
echo "Security posture, named after the CIS Kubernetes Benchmark: every service account may administer tanzu-packages (exit 1):"
table kubectl tko cluster inspect security wc-prod-1
table kubectl tko cluster available-upgrades wc-team-a -n team-a
step kubectl tko cluster upgrade wc-team-a -n team-a --tkr v1.30.2---vmware.1-tkg.1 --dry-run
table kubectl tko cluster upgrade plan --all-workload-clusters
echo "(every seeded cluster is blocked: apply names why and runs nothing)"
step kubectl tko cluster upgrade apply wc-team-a -n team-a --dry-run
step kubectl tko cluster upgrade status
echo "One wave, played: tko-env gives wc-upgrade-demo a workload API server of its own and plays Cluster API's topology controller for it (machines rolled, status written through the status subresource); no Velero server runs here, hence --skip-backup:"
"$bin/tko-env" play-upgrade --dir "$envdir" >"$tour/play" 2>&1 &
play=$!
for _ in $(seq 60); do grep -q ready "$tour/play" && break; sleep 1; done
table kubectl tko cluster upgrade plan wc-upgrade-demo -n upgrade-demo
table kubectl tko cluster upgrade apply wc-upgrade-demo -n upgrade-demo --skip-backup --state-namespace upgrade-demo --timeout 2m
kill "$play" && wait "$play" || true
play=
step kubectl tko cluster scale wc-prod-1 --worker 2 --node-pool md-1 --dry-run
step kubectl tko cluster create -f test/testdata/wc-new.yaml --dry-run -o jsonpath='{.spec.topology.variables[*].name}{"\n"}'
step kubectl tko cluster create -f test/testdata/wc-new.yaml --tkr v1.99.0
step kubectl tko cluster describe wc-nope
echo
echo "vSphere with Tanzu: the Supervisor's vSphere namespaces and their TanzuKubernetesClusters (statuses as its controllers write them):"
table kubectl tko cluster vsphere-namespaces -A
table kubectl tko cluster list -n vsphere-team-a -o wide
table kubectl tko cluster describe tkc-dev-1 -n vsphere-team-a
table kubectl tko cluster node-pool list tkc-dev-1 -n vsphere-team-a
step kubectl tko cluster create -f test/testdata/tkc-new.yaml --dry-run=server -o name
step kubectl tko cluster create -f test/testdata/tkc-bad.yaml
step kubectl tko cluster scale tkc-dev-1 -n vsphere-team-a --worker 3 --node-pool np-1 --dry-run
table kubectl tko cluster available-upgrades tkc-prod-1 -n vsphere-team-a
step kubectl tko cluster upgrade tkc-prod-1 -n vsphere-team-a --tkr v1.27.11---vmware.1-fips.1-tkg.2 --dry-run
step kubectl tko cluster upgrade tkc-dev-1 -n vsphere-team-a --tkr v1.28.8---vmware.1-fips.1-tkg.2
echo "(the Supervisor login, 'kubectl tko auth login --vsphere', runs against a real kube-apiserver and a played vCenter login endpoint in test/vsphere; this API server is no Supervisor:)"
step env KUBECTL_VSPHERE_PASSWORD=demo kubectl tko auth login --vsphere --server "$("$kubectl_bin" config view --minify -o jsonpath='{.clusters[0].cluster.server}' | sed 's|^https://||')" -u devops@vsphere.local --insecure-skip-tls-verify
step kubectl tko auth status --vsphere
echo
echo "Policies enforced by the real kube-apiserver (Pod Security Admission, ValidatingAdmissionPolicy):"
table kubectl tko cluster policy recipes
step kubectl tko cluster policy apply -f test/testdata/policies.yaml --dry-run=server
step kubectl tko cluster policy apply -f test/testdata/policies.yaml
sleep 1 # the API server's admission policy informer
step kubectl run web --image nginx:latest -n team-a --restart Never
step kubectl run web --image nginx:1.27.2 -n team-a --restart Never --privileged
step kubectl tko cluster policy apply security team-a-baseline --level baseline --deny-host-path --deny-privileged --namespaces team-a
sleep 1 # the API server's admission policy informer
step kubectl run web --image nginx:1.27.2 -n team-a --restart Never
step kubectl tko cluster policy apply image-registry harbor-only --allow https://harbor.example.com,harbor.example.com/tkg:1.0 --all-workload-clusters
table kubectl tko cluster policy list -o wide
step kubectl tko cluster policy get team-a-baseline --all-workload-clusters
table kubectl tko cluster policy status
step kubectl tko cluster policy delete team-a-no-latest
step kubectl tko cluster policy delete team-a-baseline
echo
echo "Velero backups (recorded states: no Velero server runs in the demo):"
table kubectl tko cluster backup location list
step kubectl tko cluster backup location get dr-site
table kubectl tko cluster backup list -o wide
step kubectl tko cluster backup get pre-upgrade
step kubectl tko cluster backup get pre-upgrade --cluster wc-prod-1
table kubectl tko cluster backup schedule list
table kubectl tko cluster backup status --all-workload-clusters
step kubectl tko cluster backup create shop-0412 --include-namespaces shop --ttl 168h --dry-run -o yaml
step kubectl tko cluster backup create payments --storage-location dr-site
step kubectl tko cluster backup schedule create nightly-shop --schedule "0 2 * *"
table kubectl tko cluster backup schedule pause nightly --all-workload-clusters --dry-run
step kubectl tko cluster restore create --from-backup shop-0412 --namespace-mappings shop:shop-2
if "$kubectl_bin" get apiservice v1alpha1.data.packaging.carvel.dev >/dev/null 2>&1; then
  echo
  echo "kubectl tko package against the real kapp-controller v0.51.0 and its inline repository of TKO packages:"
  table kubectl tko package repository list -A
  table kubectl tko package available list
  table kubectl tko package available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 --values-schema
  step kubectl tko package install contour -p contour.tanzu.vmware.com -n tanzu-packages -f test/testdata/contour-typo.yaml
  table kubectl tko package apply --profile tko-shared-services --dry-run
  table kubectl tko package apply --profile tko-shared-services
  step kubectl tko package installed update contour -n tanzu-packages --values contour.replicas=3 --diff --wait
  table kubectl tko package install fluent-bit -p fluent-bit.tanzu.vmware.com --cluster wc-prod-1 --target-namespace tanzu-packages --wait
  table kubectl tko package installed list -A -o wide
  step kubectl tko package install broken -p broken.tko.dev -n default --wait
  step kubectl tko package installed delete broken -n default --yes
  echo
  echo "With the shared services installed, the reference-design audit's package rule passes:"
  table kubectl tko cluster audit wc-prod-1
  echo
  echo "Cluster groups: a policy, a backup schedule, a package (its values kept in Secrets) and a stack (Grafana after Prometheus) attached to a group, kept in every member by kapp-controller:"
  step kubectl tko cluster group create prod --selector tanzuKubernetesRelease=v1.30.2---vmware.1-tkg.1
  step kubectl tko cluster group attach prod policy security prod-baseline --level baseline --deny-privileged --namespaces team-a --sync-period 30s
  step kubectl tko cluster group attach prod backup-schedule prod-nightly --schedule "0 2 * * *" --ttl 168h --wait --timeout 90s
  step kubectl tko cluster group attach prod package prod-edge -p contour.tanzu.vmware.com --install-namespace team-a --values contour.replicas=3 --wait --timeout 90s
  step kubectl tko cluster group attach prod stack -f test/testdata/monitoring-stack.yaml --wait --timeout 2m
  table kubectl tko cluster group list
  step kubectl delete validatingadmissionpolicybinding tko-prod-baseline
  step kubectl wait validatingadmissionpolicybinding/tko-prod-baseline --for=create --timeout=60s
  table kubectl tko cluster group status
  step kubectl tko cluster group detach prod policy prod-baseline --wait --timeout 2m
else
  echo "(kapp-controller is not running: it needs root; showing the installs recorded in the seed)"
  table kubectl tko package installed list -A
fi
echo
echo "kubectl tko lb: NSX ALB (AKO) and kube-vip; a pending Service's cause from the Events on it, and an address no pool accounts for (team-a/legacy-ftp):"
table kubectl tko lb services -A -o wide
table kubectl tko lb status -A
table kubectl tko lb status -A --all-contexts
table kubectl tko lb pools
table kubectl tko lb doctor -A
step kubectl tko lb adc create -f test/testdata/adc-overlap.yaml
echo
echo "kubectl tko auth (the login itself runs against a real OpenID provider in test/auth):"
step kubectl tko auth whoami
table kubectl tko auth doctor
table kubectl tko auth who-can delete clusters.cluster.x-k8s.io -n team-a
step kubectl tko auth kubeconfig get wc-prod-1 --export-file "$tour/wc-prod-1.yaml"
echo
echo "Health and capacity come from the cluster itself; queries and alerts from TKG's Prometheus package:"
table kubectl tko observe health -A
table kubectl tko observe capacity -A --by namespace
step kubectl tko observe query 'sum(rate(apiserver_request_total[5m]))'
step kubectl tko observe report --html "$envdir/report.html" -A --no-prometheus

cat <<MSG

The local control plane keeps running. Point your own kubectl at it:

  export KUBECONFIG=$envdir/kubeconfig PATH=$bin:\$PATH
  kubectl tko cluster list -A

Stop it with: make demo-down
MSG
