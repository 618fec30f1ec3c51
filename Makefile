# kubectl tko: build, test, demo. Everything a fresh machine needs is built
# from pinned Go modules by hack/tools.sh and cached outside the repository.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# The one plugin list (internal/pluginlist/plugins.tsv), first column.
PLUGINS := $(shell awk -F'\t' '!/^\#/ && NF {print $$1}' internal/pluginlist/plugins.tsv)
VERSION ?= $(shell git describe --tags --match 'v*' 2>/dev/null || echo v0.1.0-dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell git log -1 --format=%cI 2>/dev/null || echo unknown)
PKG     := github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo
LDFLAGS := -s -w -X $(PKG).Version=$(VERSION) -X $(PKG).Commit=$(COMMIT) -X $(PKG).Date=$(DATE)
PREFIX  ?= /usr/local
BIN     := $(CURDIR)/bin
ENVDIR  := $(CURDIR)/.tko-env
# The control-plane binaries and CRDs that tests and the demo need.
TEST_TOOLS := crds velero-crds etcd kube-apiserver kubectl kube-controller-manager krew kapp-controller kapp ytt vendir dex prometheus alertmanager chromium slapd
TOOLS_ENV = $(shell hack/tools.sh --env | sed 's/^/export /;s/$$/;/')
# kapp-controller runs in a private mount namespace, which needs root; as
# another user the demo tours the package plugin without it.
KAPP_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo -kapp-controller)

.PHONY: build
build: ## Build every plugin into bin/
	@mkdir -p $(BIN)
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/ ./plugins/... ./test/tko-env

.PHONY: tools
tools: ## Build (once) the pinned kube-apiserver, etcd, kube-controller-manager, kubectl; fetch the CRDs, Prometheus, Alertmanager, Chromium, slapd
	hack/tools.sh $(TEST_TOOLS)

# Velero, its AWS plugin and an S3 store for test/backup: the slowest builds
# (minutes, once; cached by version like the other tools).
BACKUP_TOOLS := velero velero-plugin-for-aws versitygw

.PHONY: backup-tools
backup-tools: ## Build (once) velero, velero-plugin-for-aws and versitygw for test/backup
	hack/tools.sh $(BACKUP_TOOLS)

.PHONY: tools-check
tools-check: ## Check every pin that needs no build (Debian packages, Go modules): seconds, before the long builds
	hack/tools.sh --check $(TEST_TOOLS) $(BACKUP_TOOLS) golangci-lint

.PHONY: test
test: tools-check tools backup-tools build ## Unit and integration tests against a real local control plane
	@echo "go test ./... (control-plane binaries from hack/tools.sh --env)"
	@$(TOOLS_ENV) export TKO_BIN_DIR=$(BIN) TKO_EXPECT_VERSION=$(VERSION); \
	go test -count=1 -timeout 20m ./...

.PHONY: demo
demo: tools build ## Start the local TKO management cluster, seed it and tour every plugin
	@$(TOOLS_ENV) $(BIN)/tko-env up --dir $(ENVDIR) $(KAPP_FLAG) >/dev/null
	@$(TOOLS_ENV) hack/demo.sh $(BIN) $(ENVDIR)

.PHONY: demo-down
demo-down: ## Stop the local TKO management cluster
	$(BIN)/tko-env down --dir $(ENVDIR)

.PHONY: bench
bench: tools build ## Benchmarks against the reference tools, side by side
	@$(TOOLS_ENV) go run ./test/bench --bin $(BIN)

.PHONY: reliability
reliability: tools build ## The fault and secrets matrix, and its figure
	@$(TOOLS_ENV) export TKO_BIN_DIR=$(BIN); \
	go test -count=1 -v -timeout 10m ./test/reliability/ | grep -E '^(reliability:|ok|FAIL|--- FAIL)'

# Every fuzz target, each for FUZZTIME; the seed corpora also run as unit tests.
FUZZTIME ?= 20s
FUZZ_TARGETS := internal/tkg:FuzzFlatConfig internal/carvel:FuzzValues internal/carvel:FuzzStack internal/kubeconfig:FuzzMerge internal/krew:FuzzManifest internal/semver:FuzzAgreesWithMasterminds

.PHONY: fuzz
fuzz: ## Fuzz the parsers and generators, each for FUZZTIME (default 20s)
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*} fn=$${t##*:}; \
	  echo "fuzz $$fn ($$pkg, $(FUZZTIME))"; \
	  go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$pkg || exit 1; done

.PHONY: lint
lint: ## gofmt, go vet and golangci-lint (pinned)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "run gofmt -w"; exit 1; }
	go vet ./...
	hack/check-layers.sh
	go tool -modfile=hack/tools/lint/go.mod golangci-lint run ./...

.PHONY: docs
docs: ## Regenerate the generated pages of docs/
	go run ./hack/gendocs docs

# kubectl (1.26+) completes plugin arguments through kubectl_complete-<plugin>
# helpers on PATH; kubectl-tko-cluster is completed as `kubectl tko ...`
# (helper kubectl_complete-tko), krew's kubectl-tko_cluster as
# `kubectl tko-cluster ...` (helper kubectl_complete-tko_cluster).
COMPLETERS := $(foreach p,$(PLUGINS),$(subst kubectl-,kubectl_complete-,$(p)) $(subst kubectl-tko-,kubectl_complete-tko_,$(p)))

.PHONY: install
install: build ## Install the plugins and their completion helpers into $(PREFIX)/bin
	install -d $(DESTDIR)$(PREFIX)/bin
	for p in $(PLUGINS); do install -m 0755 $(BIN)/$$p $(DESTDIR)$(PREFIX)/bin/$$p; done
	hack/completers.sh $(DESTDIR)$(PREFIX)/bin

.PHONY: uninstall
uninstall: ## Remove the plugins and completion helpers from $(PREFIX)/bin
	for p in $(PLUGINS) $(sort $(COMPLETERS)); do rm -f $(DESTDIR)$(PREFIX)/bin/$$p; done

.PHONY: release
release: ## Reproducible archives for every platform, checksums and krew manifests in dist/
	go run ./hack/release --version $(VERSION) --commit $(COMMIT) --date $(DATE) --out dist
	cp dist/krew-manifests/*.yaml krew-manifests/

.PHONY: clean
clean:
	rm -rf $(BIN) dist

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
