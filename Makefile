# vtimer-bench: builds every part and runs every test.
# Each part has its own Makefile; this one only dispatches.
#   make            build host tools and guests
#   make test       all tests (unit tests, then end-to-end runs under QEMU)
#   make bench      performance figures of our own tools (not timed tests)
#   make fuzz       fuzz the parsers (ASan/UBSan)
#   make soak       correctness matrix of both delivery paths, 10^6 ticks a cell (hours)
SUBDIRS := lib platform/machine analysis profiler bench/guest_kernels bench

.PHONY: all test unit-test e2e-test bench fuzz soak clean deps
all:
	@for d in $(SUBDIRS); do $(MAKE) --no-print-directory -C $$d all || exit 1; done

deps:
	./scripts/install-deps.sh

test: all
	./tests/run-all.sh

unit-test: all
	./tests/run-all.sh --unit

e2e-test: all
	./tests/run-all.sh --e2e

# Our own tools' speed and memory (not timed tests): each part's bench target.
bench: all
	$(MAKE) --no-print-directory -C analysis bench

fuzz:
	$(MAKE) --no-print-directory -C analysis fuzz

SOAK_TICKS ?= 1000000
soak: all
	./tests/matrix.sh --ticks $(SOAK_TICKS) --out build/soak

clean:
	@for d in $(SUBDIRS); do $(MAKE) --no-print-directory -C $$d clean; done
	rm -rf build
