# libassocmem — build, test, install.
#   make            shared + static library in lib/
#   make check      C suites, ABI and install checks, Python tests, quick examples
#   make demo       quickstart and consolidation examples (fetches data if missing)
#   make deps       Debian packages the project needs (as root)
#   make check-asan C suites under ASan+UBSan;  make check-valgrind
#   make check-tsan threads under ThreadSanitizer;  make soak  long stress run
#   make fuzz       libFuzzer targets;  make bench  benchmarks beside NumPy/PyTorch
#   make install / uninstall   honour PREFIX, LIBDIR, INCLUDEDIR, DESTDIR

HDR        := include/assocmem/common.h
VER_MAJOR  := $(shell sed -n 's/^\#define AMEM_VERSION_MAJOR \([0-9]*\).*/\1/p' $(HDR))
VER_MINOR  := $(shell sed -n 's/^\#define AMEM_VERSION_MINOR \([0-9]*\).*/\1/p' $(HDR))
VER_PATCH  := $(shell sed -n 's/^\#define AMEM_VERSION_PATCH \([0-9]*\).*/\1/p' $(HDR))
VERSION    := $(VER_MAJOR).$(VER_MINOR).$(VER_PATCH)

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR    ?=

CC         ?= cc
PYTHON     ?= /usr/bin/python3
BLAS       ?= openblas
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(BLAS),blis)
  # pkg-config first; Debian 12 ships no blis.pc, so fall back to the
  # layout of its libblis-pthread-dev. CBLAS prototypes: src/core/blas.h.
  BLAS_CFLAGS := -DAMEM_BLAS_BLIS
  BLAS_LIBS   := $(shell pkg-config --libs blis 2>/dev/null || echo -L/usr/lib/$(MULTIARCH)/blis-pthread -Wl,-rpath,/usr/lib/$(MULTIARCH)/blis-pthread -lblis)
else
  BLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
  BLAS_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
endif

WARN       := -Wall -Wextra -Wpedantic -Werror
CFLAGS     ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) -fPIC -fvisibility=hidden -Iinclude -Isrc \
              $(BLAS_CFLAGS) $(CFLAGS)
DEP_LIBS   := $(BLAS_LIBS) -lz -lm -lpthread
BUILD      ?= build

SRCS       := $(sort $(wildcard src/*/*.c))
OBJS       := $(SRCS:%.c=$(BUILD)/%.o)
SONAME     := libassocmem.so.$(VER_MAJOR)
SOLIB      := lib/libassocmem.so.$(VERSION)
ALIB       := lib/libassocmem.a
# Tests, examples and benchmarks link a per-build archive, so a sanitizer
# build (BUILD=build-asan) never mixes its objects with lib/.
BLIB       := $(BUILD)/libassocmem.a

TEST_SRCS  := $(sort $(wildcard tests/check_*.c) $(wildcard tests/testutil*.c))
SUITES     := $(patsubst tests/check_%.c,%,$(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))
TEST_BIN   := $(BUILD)/tests/check_all

# Each examples/<name>.c or examples/<name>/ folder is one program; the
# helpers in examples/common/ are linked into every one.
EX_COMMON    := $(wildcard examples/common/*.c)
EXAMPLE_NAMES := $(patsubst examples/%.c,%,$(wildcard examples/*.c)) \
                 $(filter-out common,$(patsubst examples/%/,%,$(wildcard examples/*/)))
EXAMPLE_BINS := $(addprefix $(BUILD)/examples/,$(EXAMPLE_NAMES))
EX_LIBS      := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng)

.PHONY: ensure-deps all clean check check-c check-abi check-install check-python \
        check-examples check-fuzz check-asan check-blis check-valgrind check-tsan soak install uninstall deps data demo \
        fuzz bench bench-deps update-symbols examples

all: $(SOLIB) lib/$(SONAME) lib/libassocmem.so $(ALIB)

# Fresh machines: install missing Debian packages first (as root).
ensure-deps:
	@sh scripts/install-deps --if-missing

$(BUILD)/%.o: %.c $(wildcard include/assocmem/*.h) $(wildcard src/*/*.h) | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(SOLIB): $(OBJS) libassocmem.map
	@mkdir -p lib
	$(CC) -shared -o $@ $(OBJS) -Wl,-soname,$(SONAME) \
	    -Wl,--version-script=libassocmem.map -Wl,--no-undefined $(LDFLAGS) $(DEP_LIBS)

lib/$(SONAME): $(SOLIB)
	ln -sf $(notdir $(SOLIB)) $@

lib/libassocmem.so: lib/$(SONAME)
	ln -sf $(SONAME) $@

$(ALIB) $(BLIB): $(OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(OBJS)

# ---- tests ---------------------------------------------------------------

$(BUILD)/tests/suites.h: $(wildcard tests/check_*.c)
	@mkdir -p $(dir $@)
	printf '$(foreach s,$(SUITES),AMEM_SUITE($(s))\n)' > $@

$(TEST_BIN): $(TEST_SRCS) $(wildcard tests/*.h) $(BLIB) $(BUILD)/tests/suites.h
	$(CC) $(ALL_CFLAGS) -I$(BUILD)/tests -Itests -o $@ $(TEST_SRCS) $(BLIB) \
	    $(LDFLAGS) $(shell pkg-config --cflags --libs check) $(DEP_LIBS)

check: all data check-c check-abi check-install check-python check-examples check-fuzz

check-c: $(TEST_BIN)
	./$(TEST_BIN)

check-abi: all
	sh tests/abi/check-symbols.sh lib/libassocmem.so tests/abi/symbols.txt

update-symbols: all
	sh tests/abi/check-symbols.sh lib/libassocmem.so tests/abi/symbols.txt --update

check-install: all
	sh tests/install/run.sh

check-python: all
	ASSOCMEM_LIBRARY=$(CURDIR)/lib/libassocmem.so PYTHONPATH=$(CURDIR)/python \
	    $(PYTHON) -m pytest -q tests/python

examples: $(EXAMPLE_BINS)

.SECONDEXPANSION:
$(BUILD)/examples/%: $$(wildcard examples/$$*.c examples/$$*/*.c examples/$$*/*.h) $(EX_COMMON) $(wildcard examples/common/*.h) $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iexamples -o $@ $(filter %.c,$^) $(BLIB) $(LDFLAGS) $(EX_LIBS) $(DEP_LIBS)

check-examples: examples data
	sh scripts/run-examples --quick

demo: all examples
	sh scripts/fetch-data
	./$(BUILD)/examples/quickstart
	./$(BUILD)/examples/consolidation

# ---- sanitizers and fuzzing -----------------------------------------------

check-asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/tests/check_all
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/check_all

# The same C suites against BLIS instead of OpenBLAS.
check-blis:
	$(MAKE) BLAS=blis BUILD=build-blis build-blis/tests/check_all
	./build-blis/tests/check_all

# Every suite under valgrind, one process per suite, two at a time (the
# longest first), with AMEM_TEST_LIGHT=1: smaller problems where a size
# adds time and no code path (tests/testutil.h). Zero errors and zero
# definite leaks, or the target fails.
VG_SUITES := hopfield vae ops_image data scenes $(filter-out hopfield vae ops_image data scenes,$(SUITES))
check-valgrind: $(TEST_BIN)
	$(MAKE) -j2 $(addprefix valgrind-,$(VG_SUITES))

valgrind-%: $(TEST_BIN)
	CK_FORK=no CK_RUN_SUITE=$* AMEM_TEST_LIGHT=1 valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite --error-exitcode=1 ./$(TEST_BIN)

# Handles on separate threads (recall, training, inference, save/load at
# once, the thread count changing meanwhile) and the jobs suite under
# ThreadSanitizer; tests/tsan.supp says what is suppressed and why.
TSAN_RUN := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1"
check-tsan:
	$(MAKE) BUILD=build-tsan CC=clang CFLAGS="-O1 -g -fsanitize=thread" \
	    LDFLAGS="-fsanitize=thread" build-tsan/tests/check_all build-tsan/tests/stress
	$(TSAN_RUN) CK_FORK=no CK_RUN_SUITE=jobs ./build-tsan/tests/check_all
	$(TSAN_RUN) ./build-tsan/tests/stress --rounds $(TSAN_ROUNDS) --threads 3
TSAN_ROUNDS ?= 3

# Not in CI: the stress program for SOAK_SECONDS (600), printing RSS.
SOAK_SECONDS ?= 600
soak: $(BUILD)/tests/stress
	./$(BUILD)/tests/stress --seconds $(SOAK_SECONDS)

$(BUILD)/tests/stress: tests/stress/stress.c $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BLIB) $(LDFLAGS) $(DEP_LIBS)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRCS))

build-fuzz/%: tests/fuzz/%.c $(SRCS)
	@mkdir -p build-fuzz
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
	    $(BLAS_CFLAGS) -o $@ $< $(SRCS) $(DEP_LIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
	  ./$$f -max_total_time=$${FUZZ_SECONDS:-60} build-fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

# The corpus replay runs without libFuzzer: each input goes through the
# target's entry point in an ordinary build.
$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BLIB) $(LDFLAGS) $(DEP_LIBS)

check-fuzz: $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/replay_%,$(FUZZ_SRCS))
	@for f in $^; do n=$${f##*/replay_}; ./$$f tests/fuzz/corpus/$$n || exit 1; done

# ---- install ----------------------------------------------------------------

assocmem.pc: assocmem.pc.in $(HDR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(DEP_LIBS)|' $< > $@

install: all assocmem.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/assocmem
	install -m 644 include/assocmem/*.h $(DESTDIR)$(INCLUDEDIR)/assocmem/
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libassocmem.so
	install -m 644 $(ALIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 assocmem.pc $(DESTDIR)$(LIBDIR)/pkgconfig/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libassocmem.so $(DESTDIR)$(LIBDIR)/libassocmem.a \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/assocmem

# ---- environment ------------------------------------------------------------

deps:
	sh scripts/install-deps

bench-deps:
	sh scripts/install-deps --bench

data:
	sh scripts/fetch-data

BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

$(BUILD)/bench/%: bench/%.c $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O3 -o $@ $< $(BLIB) $(LDFLAGS) $(DEP_LIBS)

bench: bench-deps $(BENCH_BINS)
	@for b in $(BENCH_BINS); do ./$$b || exit 1; done

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-blis build-clang build-tsan lib/libassocmem* assocmem.pc
