# vtimer-bench: builds every part and runs every test.
# Each part has its own Makefile; this one only dispatches.
#   make            build host tools and guests
#   make test       all tests (unit tests, then end-to-end runs under QEMU)
#   make bench      performance figures of our own tools (not timed tests)
#   make fuzz       fuzz the parsers (ASan/UBSan)
#   make soak       correctness matrix of both delivery paths, 10^6 ticks a cell (hours)
#   make justify    the patch-justification suite with its defaults (docs/justify.md; minutes)
#   make aa-series  realtime A/A: SERIES_N nightlies of an unchanged Xen, verdict counts (minutes)
#   make planted-series  realtime: SERIES_N nightlies of a Xen with a planted regression against
#                   one unchanged baseline, after a calibration: detection rate and MDE (minutes)
SUBDIRS := lib platform/machine analysis profiler platform/kvm platform/lava bench/guest_kernels bench

.PHONY: all test unit-test e2e-test bench fuzz soak justify clean deps aa-series planted-series
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

# Every scenario on every variant: one report and the cover letter
# (results/<date>-justify/; JUSTIFY_ARGS adds options, e.g. --ticks 20000).
JUSTIFY_ARGS ?=
justify: all
	./run-bench.sh justify $(JUSTIFY_ARGS)

SOAK_TICKS ?= 1000000
soak: all
	./tests/matrix.sh --ticks $(SOAK_TICKS) --out build/soak

# Nightly verdicts on the noisy platform (docs/noise.md). Each nightly boots
# the variant SERIES_BOOTS times; the figures are wall-clock (realtime mode).
SERIES_N ?= 20
SERIES_BOOTS ?= 5
SERIES_TICKS ?= 100
SERIES_PERIOD_NS ?= 1000000
SERIES_THRESHOLD ?= 10
SERIES_ARGS = --no-deps -q --platform-mode realtime --ticks $(SERIES_TICKS) --period-ns $(SERIES_PERIOD_NS) \
  --boots $(SERIES_BOOTS) --variants stock=vtimer_delivery=software --no-trace --threshold-pct $(SERIES_THRESHOLD)
# Verdict counts and MDEs of the nightlies logged in $(1).
series_summary = grep -h 'nightly \[stock\]: .*verdict:' $(1)/n-*.log | sed 's/.*verdict: \([a-z ]*\).*/\1/' | sort | uniq -c; \
  grep -h 'nightly \[stock\]: minimum detectable' $(1)/n-*.log | sed 's/.*: +-//' | sort -g | \
  awk '{ v[NR] = $$1 } END { if (NR) printf "MDE (median, alpha 0.05, power 0.8) over %d comparisons: min %s, median %s, max %s\n", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'; \
  grep -h '^nightly \[stock\]: REGRESSION' $(1)/n-*.log | sed 's/^/  /' || true

aa-series: all
	@rm -rf build/aa-series && mkdir -p build/aa-series
	@for i in $$(seq 0 $(SERIES_N)); do id=aa-$$(printf %02d $$i); \
	  ./run-bench.sh nightly $(SERIES_ARGS) --out build/aa-series --run-id $$id > build/aa-series/n-$$id.log 2>&1; \
	  echo "$$id: exit $$?"; done | tee build/aa-series/exits.txt
	@echo "realtime A/A, $(SERIES_N) comparisons of an unchanged Xen, $(SERIES_BOOTS) boots a nightly, $(SERIES_TICKS) ticks a CPU, threshold $(SERIES_THRESHOLD) %:"
	@$(call series_summary,build/aa-series)

planted-series: all
	@rm -rf build/planted-series && mkdir -p build/planted-series
	@./run-bench.sh calibrate $(SERIES_ARGS) --boots 10 --out build/planted-series --run-id calibrate > build/planted-series/calibrate.log 2>&1 \
	  && grep '^calibrate:' build/planted-series/calibrate.log
	@./run-bench.sh nightly $(SERIES_ARGS) --out build/planted-series --run-id base > build/planted-series/base.log 2>&1
	@for i in $$(seq 1 $(SERIES_N)); do id=planted-$$(printf %02d $$i); \
	  ./run-bench.sh nightly $(SERIES_ARGS) --patch tests/fixtures/slow-vgic-inject.patch --baseline base \
	    --out build/planted-series --run-id $$id > build/planted-series/n-$$id.log 2>&1; \
	  echo "$$id: exit $$?"; done | tee build/planted-series/exits.txt
	@echo "realtime planted regression (tests/fixtures/slow-vgic-inject.patch), $(SERIES_N) nightlies against one unchanged baseline:"
	@$(call series_summary,build/planted-series)

clean:
	@for d in $(SUBDIRS); do $(MAKE) --no-print-directory -C $$d clean; done
	rm -rf build
