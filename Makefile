# friction: make demo | make test | make build | make bench | make conformance
SWIFT ?= swift
BIN_DEBUG = .build/debug/friction
BIN_RELEASE = .build/release/friction
BIN ?= $(BIN_DEBUG)
DEMO_REPORT ?= friction-report.html

.PHONY: all bootstrap build release test demo bench conformance fixtures fuzz clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build --product friction

release: bootstrap
	$(SWIFT) build -c release --product friction

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: build
	@echo "== friction lint fixtures/demo/*  (the demo models carry friction on purpose: lint exits 1)"
	@$(BIN_DEBUG) lint fixtures/demo/*; rc=$$?; \
	  if [ $$rc -ne 1 ]; then echo "demo: expected exit code 1 (findings), got $$rc" >&2; exit 1; fi
	@$(BIN_DEBUG) lint fixtures/demo/* --format html --output $(DEMO_REPORT) --fail-on never
	@echo "== wrote $(DEMO_REPORT): open it in a browser"

bench: release
	scripts/bench

# ONNX backend node tests (onnx 1.23.2, generated on demand into conformance-out/node, not committed)
# run by the reference executor; `make conformance BIN=.build/release/friction` builds and runs release.
conformance: $(if $(filter $(BIN_RELEASE),$(BIN)),release,build)
	scripts/conformance-data
	$(BIN) conformance conformance-out/node

fixtures:
	fixtures/generate/generate_all.sh

# libFuzzer + AddressSanitizer on every parser (FUZZ_SECONDS per target, default 60); crashing
# inputs land in fixtures/regressions/<target>/ and are replayed by `make test`.
FUZZ_SECONDS ?= 60
fuzz: build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

clean:
	rm -rf .build .build-fuzz fuzz-out friction-report.*
