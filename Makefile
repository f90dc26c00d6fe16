# The two commands of the README: `make run` and `make test`.
SWIFT ?= swift
PYTEST_ARGS ?=

.PHONY: run test deps test-deps build-release unit-tests tsan-tests interop-tests benchmarks clean

## Installs what is missing, builds in release and starts the server on embedded defaults.
run: deps
	$(SWIFT) build -c release --product switchboard
	"$$($(SWIFT) build -c release --show-bin-path)/switchboard" serve

## Installs what is missing and runs every test: Swift unit tests, Routing under
## ThreadSanitizer, then the interop tests against real peers (pytest).
test: test-deps unit-tests tsan-tests interop-tests

deps:
	@scripts/install-deps.sh run

test-deps:
	@scripts/install-deps.sh test
	@scripts/python-venv.sh

unit-tests:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

tsan-tests:
	scripts/tsan-routing.sh

interop-tests:
	$(SWIFT) build
	SWITCHBOARD_BIN_DIR="$$($(SWIFT) build --show-bin-path)" .venv/bin/python -m pytest -v Tests/Interop $(PYTEST_ARGS)

benchmarks:
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build .build-tsan
