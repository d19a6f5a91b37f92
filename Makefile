# friction: make demo | make test | make build | make bench
SWIFT ?= swift
BIN_DEBUG = .build/debug/friction
BIN_RELEASE = .build/release/friction
DEMO_REPORT ?= friction-report.txt

.PHONY: all bootstrap build release test demo bench fixtures clean

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
	@echo "== friction inspect fixtures/demo (report: $(DEMO_REPORT))"
	@$(BIN_DEBUG) inspect fixtures/demo/* | tee $(DEMO_REPORT)
	@$(BIN_DEBUG) inspect --format json fixtures/demo/* > $(DEMO_REPORT:.txt=.json)
	@echo "== wrote $(DEMO_REPORT) and $(DEMO_REPORT:.txt=.json)"

bench: release
	scripts/bench

fixtures:
	fixtures/generate/generate_all.sh

clean:
	rm -rf .build friction-report.*
