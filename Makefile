# attrib — common developer and CI tasks. Recipes are indented with tabs.

GO ?= go
NPM ?= npm
WEB := web
# npm writes this hidden lockfile on every install; it is newer than
# package.json/package-lock.json exactly when node_modules is up to date.
NODE_STAMP := $(WEB)/node_modules/.package-lock.json

.PHONY: assets build run test fuzz browser-deps generate check-generate bench screenshots

## assets: fetch the pinned browser assets (npm ci) and copy them to web/dist
assets: $(NODE_STAMP)
	cd $(WEB) && $(NPM) run --silent copy-assets

$(NODE_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && $(NPM) ci --no-audit --no-fund
	touch $@

## build: build the assets, then the attrib binary into bin/attrib; the
## version it prints is the commit's (git describe), or "dev" outside git
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
build: assets
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/attrib ./cmd/attrib

## run: build the assets, then start the server
run: assets
	$(GO) run ./cmd/attrib serve

## test: build the assets, then run every Go test
test: assets
	$(GO) test ./...

## screenshots: redraw the documentation's screenshots of the graph view and the
## source view (docs/img/) from the seed, in headless Chromium
screenshots: assets browser-deps
	mkdir -p docs/img
	ATTRIB_SCREENSHOTS=$(abspath docs/img) $(GO) test ./server -count=1 -run 'TestGraphViewSeedIncident|TestSourceViewMarksEveryCitation'

## fuzz: run each fuzz target for FUZZTIME (default 15s), one at a time
fuzz:
	FUZZTIME=$(or $(FUZZTIME),15s) .ci/fuzz

## browser-deps: install Debian's Chromium for the headless browser tests
browser-deps:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium already installed: /usr/bin/chromium"; \
	else \
		apt-get update && apt-get install -y chromium; \
	fi

## generate: run go generate (gqlgen and friends)
generate:
	$(GO) generate ./...

## check-generate: fail when go generate would change the tree
check-generate:
	$(GO) generate ./...
	@git diff --exit-code --stat -- . || { echo "go generate changed the tree: commit the regenerated files" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- graph schema)" || { git status --porcelain -- graph schema; echo "go generate added files" >&2; exit 1; }

## bench: generate the benchmark corpora (once; they are deterministic) and
## measure every query, search, export, import and a mutation against
## their floors at each size; results go to $(BENCH_DIR)/results-N.md, and
## with two sizes or more, how each case's cost grows from the first size
## to the last (the corpora measured in turn) to
## $(BENCH_DIR)/results-sizes.md. Not
## part of make test. BENCH_SIZES=100000 adds the big corpus (about 5
## minutes to generate and 3 to index on 2 cores, 1.7 GB and a 0.6 GB
## index; add BENCH_FLAGS=--no-search to skip the search cases).
BENCH_DIR ?= bench-data
BENCH_SIZES ?= 1000 10000
BENCH_FLAGS ?= --count 2000 --duration 2s --conns 32 --load 1000 --rounds 5
bench:
	mkdir -p $(BENCH_DIR)
	$(GO) build -o $(BENCH_DIR)/attrib ./cmd/attrib
	$(GO) build -o $(BENCH_DIR)/attrib-load ./cmd/attrib-load
	set -e; for n in $(BENCH_SIZES); do \
		if [ ! -f $(BENCH_DIR)/corpus-$$n.done ]; then \
			rm -rf $(BENCH_DIR)/corpus-$$n; \
			$(BENCH_DIR)/attrib gen --data $(BENCH_DIR)/corpus-$$n --incidents $$n && \
			$(BENCH_DIR)/attrib reindex --data $(BENCH_DIR)/corpus-$$n && touch $(BENCH_DIR)/corpus-$$n.done; \
		fi; \
		echo "== $$n incidents"; \
		$(BENCH_DIR)/attrib-load --data $(BENCH_DIR)/corpus-$$n $(BENCH_FLAGS) | tee $(BENCH_DIR)/results-$$n.md; \
	done
	$(if $(word 2,$(BENCH_SIZES)),$(BENCH_DIR)/attrib-load $(BENCH_FLAGS) --sizes $(foreach n,$(BENCH_SIZES),$(BENCH_DIR)/corpus-$(n)) | tee $(BENCH_DIR)/results-sizes.md)
	ATTRIB_BENCH_DATA=$(abspath $(BENCH_DIR))/corpus-$(firstword $(BENCH_SIZES)) $(GO) test ./bench -run '^$$' -bench 'Query|Raw|Floor|Export' -benchtime 20x
