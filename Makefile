# libassocmem — build, test, install.
#   make            shared + static library in lib/
#   make check      C suites, ABI, API contract and install checks, Python tests,
#                   quick examples
#   make demo       quickstart and consolidation examples (fetches data if missing)
#   make deps       Debian packages the project needs (as root)
#   make            checks only for a C compiler, a CBLAS, LIBSVM and zlib; each other
#                   target checks what it uses (scripts/install-deps --check)
#   make check-asan C suites under ASan+UBSan;  make check-valgrind
#   make check-tsan threads under ThreadSanitizer;  make soak  long stress run
#   make fuzz       libFuzzer targets;  make bench  benchmarks beside NumPy/PyTorch
#   make install / uninstall   honour PREFIX, LIBDIR, INCLUDEDIR, BINDIR,
#                   PYTHON_SITEDIR (none: skip the Python package), DESTDIR

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
DEP_LIBS   := $(BLAS_LIBS) -lsvm -lz -lm -lpthread
# The library defines its experimental declarations (docs/api.md, C17).
LIB_DEFS   := -DAMEM_EXPERIMENTAL_API
BUILD      ?= build

# src/mpi/ is libassocmem-mpi (its own rules below): the core has no MPI.
SRCS       := $(sort $(filter-out src/mpi/%,$(wildcard src/*/*.c)))
OBJS       := $(SRCS:%.c=$(BUILD)/%.o)
# docs/api.md (C18): from 1.0 the SONAME is .so.MAJOR; while MAJOR is 0 a
# breaking change bumps MINOR, so the SONAME carries both.
ifeq ($(VER_MAJOR),0)
  SONAME   := libassocmem.so.0.$(VER_MINOR)
else
  SONAME   := libassocmem.so.$(VER_MAJOR)
endif
SOLIB      := lib/libassocmem.so.$(VERSION)
ALIB       := lib/libassocmem.a
# Tests, examples and benchmarks link a per-build archive, so a sanitizer
# build (BUILD=build-asan) never mixes its objects with lib/.
BLIB       := $(BUILD)/libassocmem.a

TEST_SRCS  := $(sort $(wildcard tests/check_*.c) $(wildcard tests/testutil*.c))

# The real-data readers of examples/spens2022 (tests/check_loaders.c tests
# them). 3dshapes.h5 is read through HDF5 when pkg-config knows hdf5 or
# Debian's libhdf5-dev is installed; without it the program and the tests
# build, and the reader says it was built without HDF5.
SB_LOADERS      := $(addprefix examples/spens2022/,npz.c kmnist.c solids.c shapes3d.c loadutil.c)
SB_LOADER_HDRS  := $(SB_LOADERS:.c=.h)
HDF5_FLAGS      := $(shell pkg-config --exists hdf5 2>/dev/null && echo -DSB_HAVE_HDF5 \
                     $$(pkg-config --cflags --libs hdf5) || { test -r /usr/include/hdf5/serial/hdf5.h && \
                     echo -DSB_HAVE_HDF5 -I/usr/include/hdf5/serial -L/usr/lib/$(MULTIARCH)/hdf5/serial -lhdf5; })
EX_FLAGS_spens2022 := $(HDF5_FLAGS)
TEST_SRCS       += $(SB_LOADERS)
SB_LOADER_FLAGS  = $(EX_LIBS) $(HDF5_FLAGS)
SUITES     := $(patsubst tests/check_%.c,%,$(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))
TEST_BIN   := $(BUILD)/tests/check_all

# Each examples/<name>.c or examples/<name>/ folder is one program; the
# helpers in examples/common/ are linked into every one.
EX_COMMON    := $(wildcard examples/common/*.c)
EXAMPLE_NAMES := $(patsubst examples/%.c,%,$(wildcard examples/*.c)) \
                 $(filter-out common distributed,$(patsubst examples/%/,%,$(wildcard examples/*/)))
EXAMPLE_BINS := $(addprefix $(BUILD)/examples/,$(EXAMPLE_NAMES))
EX_LIBS      := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng)

.PHONY: ensure-deps all clean check check-c check-abi check-contract check-links check-install check-python \
        check-examples check-fuzz check-sweep check-sweep-listed check-asan check-blis check-valgrind \
        check-tsan soak install uninstall deps data demo \
        fuzz bench bench-deps update-symbols examples

all: $(SOLIB) lib/$(SONAME) lib/libassocmem.so $(ALIB)

$(BUILD)/%.o: %.c $(wildcard include/assocmem/*.h) $(wildcard src/*/*.h) | ensure-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_DEFS) -c $< -o $@

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

$(TEST_BIN): $(TEST_SRCS) $(wildcard tests/*.h) $(SB_LOADER_HDRS) $(BLIB) $(BUILD)/tests/suites.h | need-test
	$(CC) $(ALL_CFLAGS) -I$(BUILD)/tests -Itests -o $@ $(TEST_SRCS) $(BLIB) \
	    $(LDFLAGS) $(shell pkg-config --cflags --libs check) $(DEP_LIBS) $(SB_LOADER_FLAGS)

check: all data check-c check-sweep check-abi check-contract check-links check-install check-python check-examples check-fuzz

check-c: $(TEST_BIN)
	./$(TEST_BIN)

# The argument sweep: every public function with each bad argument in turn
# (tests/sweep/); the callers are generated from the headers. The OOM test
# fails the k-th allocation of a call for k = 1, 2, ... (tests/sweep/oom/).
SWEEP_BIN  := $(BUILD)/tests/sweep
SWEEP_SRCS := $(wildcard tests/sweep/*.c)

$(BUILD)/tests/sweep_gen.c: scripts/gen-sweep scripts/gen-bindings tests/sweep/recipes.py \
        tests/sweep/expected-failures.txt $(wildcard include/assocmem/*.h)
	$(PYTHON) scripts/gen-sweep $@

$(SWEEP_BIN): $(SWEEP_SRCS) tests/sweep/sweep.h $(BUILD)/tests/sweep_gen.c $(BLIB)
	$(CC) $(ALL_CFLAGS) -Itests/sweep -o $@ $(SWEEP_SRCS) $(BUILD)/tests/sweep_gen.c \
	    $(BLIB) $(LDFLAGS) $(DEP_LIBS)

OOM_BIN    := $(BUILD)/tests/oom
OOM_WRAP   := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free

$(OOM_BIN): tests/sweep/oom/oom.c tests/sweep/fixtures.c tests/sweep/sweep.h $(BLIB)
	$(CC) $(ALL_CFLAGS) -Itests/sweep -o $@ tests/sweep/oom/oom.c tests/sweep/fixtures.c \
	    $(BLIB) $(LDFLAGS) $(OOM_WRAP) $(DEP_LIBS)

check-sweep: $(SWEEP_BIN) $(OOM_BIN)
	./$(SWEEP_BIN)
	./$(OOM_BIN)

check-contract:
	$(PYTHON) scripts/check-contract

# Every relative link of README, CHANGELOG and docs/ names an existing file.
check-links:
	$(PYTHON) scripts/check-links

check-abi: all
	sh tests/abi/check-symbols.sh lib/libassocmem.so tests/abi/symbols.txt

update-symbols: all
	sh tests/abi/check-symbols.sh lib/libassocmem.so tests/abi/symbols.txt --update

check-install: all | need-test
	PYTHON=$(PYTHON) sh tests/install/run.sh
	PYTHON=$(PYTHON) sh tests/install/wheel.sh

check-python: all | need-test
	ASSOCMEM_LIBRARY=$(CURDIR)/lib/libassocmem.so PYTHONPATH=$(CURDIR)/python \
	    $(PYTHON) -m pytest -q tests/python

examples: $(EXAMPLE_BINS)

.SECONDEXPANSION:
$(BUILD)/examples/%: $$(wildcard examples/$$*.c examples/$$*/*.c examples/$$*/*.h) $(EX_COMMON) $(wildcard examples/common/*.h) $(BLIB) | need-examples
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iexamples -o $@ $(filter %.c,$^) $(BLIB) $(LDFLAGS) $(EX_LIBS) $(DEP_LIBS) $(EX_FLAGS_$*)

check-examples: examples data | need-test
	sh scripts/run-examples --quick
	./$(BUILD)/examples/tyulmankov2021 --quick --only fig3b \
	    --out $(BUILD)/out/tyulmankov2021-fig3b-quick
	test -s $(BUILD)/out/tyulmankov2021-fig3b-quick/fig3b_capacity.csv
	BUILD=$(BUILD) sh tests/examples/tyulmankov2023_signals.sh

demo: all examples
	sh scripts/fetch-data
	./$(BUILD)/examples/quickstart
	./$(BUILD)/examples/consolidation

# ---- sanitizers and fuzzing -----------------------------------------------

check-asan: | need-asan
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/tests/check_all
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/check_all
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/tests/sweep build-asan/tests/oom
	ASAN_OPTIONS=allocator_may_return_null=1 ./build-asan/tests/sweep
	ASAN_OPTIONS=detect_leaks=1 ./build-asan/tests/oom

# Run the cases of tests/sweep/expected-failures.txt too and say which are
# now right (under ASan, where reading past a buffer is caught).
check-sweep-listed:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/tests/sweep
	SWEEP_RUN_LISTED=1 SWEEP_TIMEOUT=20 ASAN_OPTIONS=allocator_may_return_null=1 \
	    ./build-asan/tests/sweep

# The same C suites against BLIS instead of OpenBLAS.
check-blis: | need-blis
	$(MAKE) BLAS=blis BUILD=build-blis build-blis/tests/check_all
	./build-blis/tests/check_all

# Every suite under valgrind, one process per suite, two at a time (the
# longest first), with AMEM_TEST_LIGHT=1: smaller problems where a size
# adds time and no code path (tests/testutil.h). Zero errors and zero
# definite leaks, or the target fails.
VG_SUITES := hopfield vae ops_image data scenes $(filter-out hopfield vae ops_image data scenes,$(SUITES))
check-valgrind: $(TEST_BIN) | need-valgrind
	$(MAKE) -j2 $(addprefix valgrind-,$(VG_SUITES))

valgrind-%: $(TEST_BIN)
	CK_FORK=no CK_RUN_SUITE=$* AMEM_TEST_LIGHT=1 valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite --error-exitcode=1 ./$(TEST_BIN)

# Handles on separate threads (recall, training, inference, save/load at
# once, the thread count changing meanwhile) and the jobs suite under
# ThreadSanitizer; tests/tsan.supp says what is suppressed and why.
TSAN_RUN := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1"
check-tsan: | need-asan
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

build-fuzz/%: tests/fuzz/%.c $(SRCS) | need-fuzz
	@mkdir -p build-fuzz
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(LIB_DEFS) -Iinclude -Isrc \
	    $(BLAS_CFLAGS) -o $@ $< $(SRCS) $(DEP_LIBS)

# Every target is a file-format reader: no input may make it allocate more
# than FUZZ_MALLOC_MB in one block (libFuzzer reports it as a crash).
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
	  ./$$f -max_total_time=$${FUZZ_SECONDS:-60} -malloc_limit_mb=$${FUZZ_MALLOC_MB:-256} \
	    build-fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

# The corpus replay runs without libFuzzer: each input goes through the
# target's entry point in an ordinary build.
$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BLIB) $(LDFLAGS) $(DEP_LIBS)

check-fuzz: $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/replay_%,$(FUZZ_SRCS))
	@for f in $^; do n=$${f##*/replay_}; ./$$f tests/fuzz/corpus/$$n || exit 1; done

# ---- install ----------------------------------------------------------------

# The pkg-config file is written for the PREFIX/LIBDIR of each install.
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/assocmem
	install -m 644 $(filter-out %/mpi.h,$(wildcard include/assocmem/*.h)) $(DESTDIR)$(INCLUDEDIR)/assocmem/
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libassocmem.so
	install -m 644 $(ALIB) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(DEP_LIBS)|' assocmem.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libassocmem.so $(DESTDIR)$(LIBDIR)/libassocmem.a \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/assocmem

# ---- environment ------------------------------------------------------------

deps:
	$(DEPS_ENV) sh scripts/install-deps

bench-deps:
	$(DEPS_ENV) sh scripts/install-deps bench

data:
	sh scripts/fetch-data

BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

$(BUILD)/bench/%: bench/%.c $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O3 -o $@ $< $(BLIB) $(LDFLAGS) $(DEP_LIBS)

bench: $(BENCH_BINS) | need-bench
	@for b in $(BENCH_BINS); do ./$$b || exit 1; done

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-blis build-clang build-tsan lib/libassocmem* assocmem.pc lib/assocmem-mpi.pc

# ---- dependency checks ------------------------------------------------------
# Building needs a C compiler, a CBLAS, LIBSVM and zlib, checked once per build
# folder; every other requirement is checked by the target that uses it
# (need-test, need-asan, ...). A check never installs anything: it names what
# is missing with its Debian package (`make deps` installs everything).

DEPS_ENV := CC="$(CC)" CXX="$(CXX)" PYTHON="$(PYTHON)" BLAS="$(BLAS)" \
            BLAS_CFLAGS="$(BLAS_CFLAGS)" BLAS_LIBS="$(BLAS_LIBS)"

$(BUILD)/.build-deps:
	@$(DEPS_ENV) sh scripts/install-deps --check build
	@mkdir -p $(dir $@) && touch $@

need-%:
	@$(DEPS_ENV) sh scripts/install-deps --check $*

# What every object file waits for.
ensure-deps: $(BUILD)/.build-deps

# ---- the amem command-line tool ---------------------------------------------
# tools/amem/ sees only the public headers (no -Isrc) and links the archive,
# so the installed binary runs whatever the library's install prefix.

AMEM_SRCS := $(wildcard tools/amem/*.c)
AMEM_BIN  := $(BUILD)/tools/amem
AMEM_GEN  := $(BUILD)/tools/amem-gen
BINDIR    ?= $(PREFIX)/bin

.PHONY: check-amem install-amem uninstall-amem

all: $(AMEM_BIN)

# Setting names come from the headers' enums.
$(AMEM_GEN)/setting_names.h: tools/amem/gen-setting-names $(wildcard include/assocmem/*.h)
	@mkdir -p $(dir $@)
	sh tools/amem/gen-setting-names $(wildcard include/assocmem/*.h) > $@

$(AMEM_BIN): $(AMEM_SRCS) $(wildcard tools/amem/*.h) $(AMEM_GEN)/setting_names.h $(BLIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -Iinclude -I$(AMEM_GEN) $(CFLAGS) -o $@ $(AMEM_SRCS) \
	    $(BLIB) $(LDFLAGS) $(DEP_LIBS)

check: check-amem

check-amem: all | need-test
	AMEM=$(CURDIR)/$(AMEM_BIN) ASSOCMEM_LIBRARY=$(CURDIR)/lib/libassocmem.so \
	    PYTHONPATH=$(CURDIR)/python $(PYTHON) -m pytest -q tests/amem

install: install-amem
uninstall: uninstall-amem

install-amem: $(AMEM_BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(AMEM_BIN) $(DESTDIR)$(BINDIR)/amem

uninstall-amem:
	rm -f $(DESTDIR)$(BINDIR)/amem

# ---- the Python package -----------------------------------------------------
# `make install` copies python/assocmem into PYTHON_SITEDIR (default: where
# $(PYTHON) looks for packages under PREFIX; `none` skips it) with a note of
# the installed library's path. `pip install .` builds a wheel instead
# (pyproject.toml, python/assocmem_build.py); check-install tests both.

PYTHON_SITEDIR ?= $(shell $(PYTHON) scripts/python-sitedir "$(PREFIX)" 2>/dev/null)
PY_PKG_DIR      = $(DESTDIR)$(PYTHON_SITEDIR)/assocmem

.PHONY: install-python uninstall-python

install: install-python
uninstall: uninstall-python

install-python:
	@if [ -z "$(PYTHON_SITEDIR)" ] || [ "$(PYTHON_SITEDIR)" = none ]; then \
	    echo "install: Python package skipped (PYTHON_SITEDIR is '$(PYTHON_SITEDIR)')"; \
	else \
	    cd python && find assocmem \( -name '*.py' -o -name '*.pyi' -o -name py.typed \) \
	        -exec install -D -m 644 {} $(DESTDIR)$(PYTHON_SITEDIR)/{} \; && \
	    printf '"""Written by make install."""\nLIBRARY = "%s"\n' '$(LIBDIR)/$(SONAME)' \
	        > $(PY_PKG_DIR)/_installed.py; \
	fi

uninstall-python:
	@if [ -n "$(PYTHON_SITEDIR)" ] && [ "$(PYTHON_SITEDIR)" != none ]; then \
	    rm -rf $(PY_PKG_DIR); fi

# ---- libassocmem-mpi: the store sharded over MPI ranks -----------------------
# Its own shared object, header (include/assocmem/mpi.h) and pkg-config file,
# built with MPICC (Open MPI by default; MPICC=mpicc.mpich for MPICH, see
# docs/distributed.md). `make check-mpi` runs tests/mpi/ under mpirun.

MPICC       ?= mpicc
MPIRUN      ?= mpirun
MPI_SRCS    := $(wildcard src/mpi/*.c)
MPI_OBJS    := $(MPI_SRCS:%.c=$(BUILD)/mpi/%.o)
MPI_SONAME  := $(subst libassocmem,libassocmem-mpi,$(SONAME))
MPI_SOLIB   := lib/libassocmem-mpi.so.$(VERSION)
MPI_LINK    := -Llib -lassocmem -Wl,-rpath,'$$ORIGIN'
MPI_TESTS   := $(patsubst tests/mpi/%.c,$(BUILD)/mpi/tests/%,$(filter-out tests/mpi/mpitest.c,$(wildcard tests/mpi/*.c)))
MPI_EXAMPLES := $(BUILD)/mpi/examples/sharded_store $(BUILD)/mpi/examples/train_dam \
                $(BUILD)/mpi/examples/tyulmankov2023
# The Tyulmankov et al. 2023 example over MPI: the plain example's files with
# its one-process ranks_one.c swapped for mpi/ranks_mpi.c (see its ranks.h).
TY_DIR       := examples/tyulmankov2023
TY_MPI_SRCS  := $(filter-out $(TY_DIR)/ranks_one.c,$(wildcard $(TY_DIR)/*.c)) \
                $(TY_DIR)/mpi/ranks_mpi.c $(EX_COMMON)

.PHONY: mpi mpi-examples check-mpi install-mpi uninstall-mpi mpi-deps

mpi: $(MPI_SOLIB) lib/$(MPI_SONAME) lib/libassocmem-mpi.so lib/assocmem-mpi.pc

mpi-deps:
	$(DEPS_ENV) sh scripts/install-deps mpi

$(BUILD)/mpi/%.o: %.c include/assocmem/mpi.h $(wildcard src/mpi/*.h) src/hopfield/lse_merge.h | need-mpi
	@mkdir -p $(dir $@)
	$(MPICC) $(ALL_CFLAGS) $(LIB_DEFS) -c $< -o $@

$(MPI_SOLIB): $(MPI_OBJS) lib/libassocmem.so
	$(MPICC) -shared -o $@ $(MPI_OBJS) -Wl,-soname,$(MPI_SONAME) -Wl,--no-undefined \
	    $(LDFLAGS) $(MPI_LINK) -lz -lm

lib/$(MPI_SONAME): $(MPI_SOLIB)
	ln -sf $(notdir $(MPI_SOLIB)) $@

lib/libassocmem-mpi.so: lib/$(MPI_SONAME)
	ln -sf $(MPI_SONAME) $@

# The in-tree pkg-config file (for lib/); install-mpi writes one for LIBDIR.
lib/assocmem-mpi.pc: assocmem-mpi.pc.in $(HDR)
	@mkdir -p lib
	sed -e 's|@PREFIX@|$(CURDIR)|' -e 's|@LIBDIR@|$(CURDIR)/lib|' \
	    -e 's|@INCLUDEDIR@|$(CURDIR)/include|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@MPI_CFLAGS@|$(shell $(MPICC) --showme:compile 2>/dev/null || $(MPICC) -compile-info 2>/dev/null | cut -d" " -f2-)|' \
	    -e 's|@MPI_LIBS@|$(shell $(MPICC) --showme:link 2>/dev/null || $(MPICC) -link-info 2>/dev/null | cut -d" " -f2-)|' \
	    $< > $@

$(BUILD)/mpi/tests/%: tests/mpi/%.c tests/mpi/mpitest.c tests/mpi/mpitest.h mpi
	@mkdir -p $(dir $@)
	$(MPICC) -std=c11 $(WARN) $(CFLAGS) -Iinclude -Itests/mpi -o $@ $< tests/mpi/mpitest.c \
	    -Llib -lassocmem-mpi -lassocmem -Wl,-rpath,$(CURDIR)/lib -lm

$(BUILD)/mpi/examples/%: examples/distributed/%.c mpi
	@mkdir -p $(dir $@)
	$(MPICC) -std=c11 $(WARN) $(CFLAGS) -Iinclude -o $@ $< \
	    -Llib -lassocmem-mpi -lassocmem -Wl,-rpath,$(CURDIR)/lib -lm

$(BUILD)/mpi/examples/tyulmankov2023: $(TY_MPI_SRCS) $(wildcard $(TY_DIR)/*.h) \
        $(wildcard examples/common/*.h) mpi
	@mkdir -p $(dir $@)
	$(MPICC) -std=c11 $(WARN) $(CFLAGS) -Iinclude -Iexamples -I$(TY_DIR) -o $@ \
	    $(TY_MPI_SRCS) -Llib -lassocmem-mpi -lassocmem -Wl,-rpath,$(CURDIR)/lib \
	    $(EX_LIBS) -lpthread -lm

mpi-examples: $(MPI_EXAMPLES)

check-mpi: all mpi $(MPI_TESTS) $(MPI_EXAMPLES) | need-mpi
	MPIRUN="$(MPIRUN)" BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/mpi/run.sh

install-mpi: mpi
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/assocmem
	install -m 644 include/assocmem/mpi.h $(DESTDIR)$(INCLUDEDIR)/assocmem/
	install -m 755 $(MPI_SOLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(MPI_SOLIB)) $(DESTDIR)$(LIBDIR)/$(MPI_SONAME)
	ln -sf $(MPI_SONAME) $(DESTDIR)$(LIBDIR)/libassocmem-mpi.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@MPI_CFLAGS@|$(shell $(MPICC) --showme:compile 2>/dev/null)|' \
	    -e 's|@MPI_LIBS@|$(shell $(MPICC) --showme:link 2>/dev/null)|' \
	    assocmem-mpi.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem-mpi.pc

uninstall-mpi:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(MPI_SOLIB)) $(DESTDIR)$(LIBDIR)/$(MPI_SONAME) \
	      $(DESTDIR)$(LIBDIR)/libassocmem-mpi.so $(DESTDIR)$(LIBDIR)/pkgconfig/assocmem-mpi.pc \
	      $(DESTDIR)$(INCLUDEDIR)/assocmem/mpi.h
