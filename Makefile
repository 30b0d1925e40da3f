# Unrolled's entry points. Each target installs the Debian packages it needs first, so
# both README commands work on a fresh Debian machine (as root, or with sudo available).
#
#   make site    build the book's website into site/_site/ (open site/_site/index.html)
#   make test    run every test
#   make bench   speed figures (see Benchmarks/)
#   make bench-quality   the validation loss a 30-minute training run reaches on Tiny Shakespeare

SWIFT ?= swift

# Debian packages: cmark parses the Markdown, OpenBLAS multiplies the matrices.
BUILD_PACKAGES := pkg-config libcmark-dev libopenblas-dev

.PHONY: all site site-data test check deps python-deps site-deps browser-deps bench bench-quality

all: site

# Installs whichever of the packages named in $(1) are missing. Does nothing where
# apt-get does not exist (macOS: see the README for Homebrew).
define install-debian-packages
	@if command -v apt-get >/dev/null 2>&1; then \
	  missing=""; \
	  for package in $(1); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	fi
endef

deps:
	$(call install-debian-packages,$(BUILD_PACKAGES))

# Python: numpy and safetensors. `make test` runs without them (the cross-checks with
# Python's safetensors reader are then skipped, and say so); `make bench` times the numpy
# reference with them. Installed with pip when python3 exists and they are missing.
PYTHON ?= python3
PYTHON_PACKAGES := numpy safetensors

python-deps:
	@if command -v $(PYTHON) >/dev/null 2>&1 && ! $(PYTHON) -c "import numpy, safetensors" 2>/dev/null; then \
	  echo "Installing Python packages: $(PYTHON_PACKAGES)"; \
	  PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip install --quiet --disable-pip-version-check $(PYTHON_PACKAGES) \
	    || echo "warning: pip could not install $(PYTHON_PACKAGES): the Python cross-checks will be skipped"; \
	fi

# The site: Node.js typesets math (KaTeX) and Swift (highlight.js) at build time, and the
# KaTeX stylesheet and fonts are copied into the site, so it works offline. Chromium runs
# the browser test in `make test`.
SITE_PACKAGES := nodejs libjs-katex fonts-katex libjs-highlight.js
BROWSER_PACKAGES := chromium

site-deps:
	$(call install-debian-packages,$(SITE_PACKAGES))

browser-deps:
	$(call install-debian-packages,$(BROWSER_PACKAGES))

# Debian 12's OpenBLAS (0.3.21) does not recognise some newer or virtualised x86 processors
# and falls back to its slowest, generic kernels ("Prescott"), which halves the batched
# training figures. Programs that use it are run with $(WITH_OPENBLAS_KERNELS) in front:
# OPENBLAS_CORETYPE as the user set it, or else the kernels the processor's flags in
# /proc/cpuinfo allow (SkylakeX with AVX-512, Haswell with AVX2), or else nothing.
OPENBLAS_KERNELS := $(or $(OPENBLAS_CORETYPE),$(shell grep -qsw avx512f /proc/cpuinfo && echo SkylakeX || { grep -qsw avx2 /proc/cpuinfo && echo Haswell; }))
WITH_OPENBLAS_KERNELS := $(if $(OPENBLAS_KERNELS),OPENBLAS_CORETYPE=$(OPENBLAS_KERNELS))

# `book site` itself builds and runs the chapters (release, cached by their code), so
# `make` only has to bring the `book` command up to date. SwiftPM knows every file each of
# its targets is built from, so it is asked every time (a second or two when nothing
# changed) rather than given a list of prerequisites that could miss one.
BOOK_RELEASE := .build/release/book
.PHONY: $(BOOK_RELEASE)
$(BOOK_RELEASE):
	$(SWIFT) build -c release --product book

# The real corpora chapter 12's run trains on (its ```sh book-run block asks for
# --real-corpora), fetched as the site's Debian packages are installed: `book data fetch`
# leaves a corpus already present alone, and a failure stops make with its one-line error.
SITE_CORPORA := shakespeare kjv linux

site-data: $(BOOK_RELEASE)
	@for corpus in $(SITE_CORPORA); do $(BOOK_RELEASE) data fetch $$corpus >/dev/null || exit 1; done

# A reading build: a claim about a run that does not hold on this machine is shown on its
# page and listed at the end, and the site is written. `make test` builds it with --strict,
# which fails on such a claim (SITE_FLAGS passes other flags to `book site`).
SITE_FLAGS ?=
site: deps site-deps $(BOOK_RELEASE) site-data
	$(WITH_OPENBLAS_KERNELS) $(BOOK_RELEASE) site $(SITE_FLAGS)

check: deps
	$(SWIFT) run book check

# The site is built first, strictly (a claim that fails fails the test), so that SiteTests'
# browser test can open it in Chromium. Building it runs every chapter with seed 1 and
# checks its claims; `book verify` then runs them again with another seed, reusing the
# release builds, so no claim rests on a lucky seed. It gets the site's kernels: without
# them OpenBLAS may fall back to Prescott, which nearly triples the time of chapter 12's
# runs on real text. `book solutions` reads the exercises' verdicts from the site's cached
# runs (same code, kernels and seed), so it runs nothing again.
VERIFY_SEEDS ?= 2
test: deps python-deps site-deps browser-deps
	$(SWIFT) run book check
	$(MAKE) site SITE_FLAGS=--strict
	$(WITH_OPENBLAS_KERNELS) $(SWIFT) run book verify --seeds $(VERIFY_SEEDS)
	UNROLLED_SITE=$(CURDIR)/site/_site $(SWIFT) test
	$(WITH_OPENBLAS_KERNELS) $(SWIFT) run book solutions

# `make bench`: characters per second of the Swift RNN (release build, one thread) and of
# the numpy reference in both its styles (per-step, the classic min-char-rnn loop, and
# windowed), in the same run, with the ratio to each; and PyTorch's nn.RNN / nn.LSTM / nn.GRU
# against the batched (b) and gated (c) runs when torch is installed (Benchmarks/README.md). The corpus
# is ../shared/data/tinyshakespeare.txt when present, else the book's default corpus,
# written out so that both programs read the same text. The Swift run gets
# $(WITH_OPENBLAS_KERNELS); numpy brings its own, newer OpenBLAS and runs without the variable.
BENCH_SECONDS ?= 5
NUMPY_SECONDS ?= 10
BENCH_CORPUS := $(firstword $(wildcard ../shared/data/tinyshakespeare.txt))
# PyTorch (optional: without torch the script says how to install it, exit status 3) times
# its own nn.RNN, nn.LSTM and nn.GRU on (b)'s and (c)'s configuration, one thread, with its own BLAS.
TORCH_REFERENCE = env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  $(PYTHON) Benchmarks/gated_torch.py --seconds $(BENCH_SECONDS)
NUMPY_REFERENCE = env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
  $(PYTHON) Benchmarks/min_char_rnn_numpy.py --seconds $(NUMPY_SECONDS)

bench: deps python-deps
	$(SWIFT) build -c release --product bench
	@corpus="$(BENCH_CORPUS)"; \
	if [ -z "$$corpus" ]; then corpus=.build/bench-corpus.txt; .build/release/bench --write-default-corpus $$corpus || exit 1; fi; \
	echo "numpy reference, per-step style, the classic min-char-rnn loop ($(NUMPY_SECONDS) s):"; \
	out=$$($(NUMPY_REFERENCE) --data "$$corpus" --style per-step) || exit 1; \
	echo "$$out" | grep -v '^chars_per_second'; \
	per_step=$$(echo "$$out" | awk '/^chars_per_second/ { print $$2 }'); \
	echo "numpy reference, windowed style ($(NUMPY_SECONDS) s):"; \
	out=$$($(NUMPY_REFERENCE) --data "$$corpus" --style windowed) || exit 1; \
	echo "$$out" | grep -v '^chars_per_second'; \
	windowed=$$(echo "$$out" | awk '/^chars_per_second/ { print $$2 }'); \
	if [ -z "$$per_step" ] || [ -z "$$windowed" ]; then echo "the numpy reference did not report a speed"; exit 1; fi; \
	echo "PyTorch reference, nn.RNN / nn.LSTM / nn.GRU, one thread ($(BENCH_SECONDS) s each):"; \
	torch_flags=""; \
	if out=$$($(TORCH_REFERENCE) --data "$$corpus"); then \
	  echo "$$out" | grep -v '^chars_per_'; \
	  torch_flags=$$(echo "$$out" | awk '/^chars_per_second/ { printf " --torch-%s %s", $$2, $$3 } /^chars_per_cpu_second/ { printf " --torch-cpu-%s %s", $$2, $$3 }'); \
	else \
	  echo "$$out"; echo "(no PyTorch figures: the Swift runs are timed without ratios to PyTorch)"; \
	fi; \
	echo "Swift ($(BENCH_SECONDS) s per run):"; \
	$(WITH_OPENBLAS_KERNELS) .build/release/bench --data "$$corpus" --seconds $(BENCH_SECONDS) --numpy-per-step "$$per_step" --numpy "$$windowed" $$torch_flags

# `make bench-quality`: how good a model this machine trains in a fixed time. Chapter 12's
# program trains its best configuration on Tiny Shakespeare for QUALITY_MINUTES minutes of
# wall clock, on QUALITY_THREADS cores (each update's 32 streams cut into that many shards;
# it must divide 32), and validates on the last tenth of the text, which it never trains on.
# char-rnn's example reaches 1.395 nats per character there; the target here is 1.45 within
# 30 minutes. The corpus is ../shared/data/tinyshakespeare.txt, which only this project's
# machine has; in a clone, QUALITY_DATA=shakespeare names the book's own corpus (a word
# without a / or a dot is a name `book data fetch` knows, fetched if missing, as for the
# site) and QUALITY_DATA=PATH any text. Each corpus has its own baseline: the 1.45 target
# is Tiny Shakespeare's. Benchmarks/README.md records what each reached and with which flags.
QUALITY_DATA ?= ../shared/data/tinyshakespeare.txt
QUALITY_MINUTES ?= 30
QUALITY_THREADS ?= 2
QUALITY_MODEL ?= --cell lstm --layers 2 --hidden 512 --embedding 64 --dropout 0.5
QUALITY_TRAINING ?= --unroll 64 --batch 32 --learning-rate 0.003 --decay 0.9 --decay-every 500 --eval-every 1000
QUALITY_CHECKPOINT := .build/quality.safetensors

# QUALITY_DATA as a name (no / and no dot) is fetched first, and ch12 resolves the name as
# every --data does; as a path it must exist, or the one line says what to do. The 1.45
# target is only Tiny Shakespeare's: another text is reported without one.
QUALITY_IS_NAME := $(if $(findstring /,$(QUALITY_DATA))$(findstring .,$(QUALITY_DATA)),,yes)
QUALITY_TARGET := $(if $(filter ../shared/data/tinyshakespeare.txt,$(QUALITY_DATA)),1.45)

bench-quality: deps $(if $(QUALITY_IS_NAME),$(BOOK_RELEASE))
ifeq ($(QUALITY_IS_NAME),yes)
	@$(BOOK_RELEASE) data fetch "$(QUALITY_DATA)" >/dev/null
else
	@[ -s "$(QUALITY_DATA)" ] || { echo "make bench-quality: $(QUALITY_DATA) is missing or empty (Tiny Shakespeare is not part of a clone): QUALITY_DATA=shakespeare trains on the book's nearest corpus, fetched for you (its own baseline, not 1.444), or QUALITY_DATA=PATH on any text"; exit 1; }
endif
	$(SWIFT) build -c release --product ch12
	@echo "Training for $(QUALITY_MINUTES) minutes on $(QUALITY_DATA), $(QUALITY_THREADS) threads: $(QUALITY_MODEL) $(QUALITY_TRAINING)"
	@{ $(WITH_OPENBLAS_KERNELS) .build/release/ch12 --data "$(QUALITY_DATA)" $(QUALITY_MODEL) $(QUALITY_TRAINING) --threads $(QUALITY_THREADS) \
	  --minutes $(QUALITY_MINUTES) --steps 100000000 --validation-characters 100000000 \
	  --checkpoint $(QUALITY_CHECKPOINT) --sample-length 500; echo $$? > .build/quality.status; } | tee .build/quality.log; \
	  status=$$(cat .build/quality.status); [ "$$status" = 0 ] || { echo "make bench-quality: ch12 stopped with exit status $$status"; exit 1; }
	@awk -v target="$(QUALITY_TARGET)" '/^update +validation/ { table = 1; next } table && NF == 3 && $$1 ~ /^[0-9]+$$/ { if (best == "" || $$2 < best) { best = $$2; at = $$1 } } \
	  END { if (best == "") { print "no validation figures in the output"; exit 1 } \
	        printf "best validation loss: %s nats per character (%.3f bits) at update %s; ", best, best / log(2), at; \
	        if (target == "") print "no target for this text (the 1.45 target is Tiny Shakespeare'\''s; Benchmarks/README.md records each corpus'\''s baseline)"; \
	        else printf "target %s nats: %s\n", target, (best <= target + 0 ? "reached" : "not reached") }' .build/quality.log
	@echo "The best model is $(QUALITY_CHECKPOINT:.safetensors=.best.safetensors): swift run book sample --checkpoint $(QUALITY_CHECKPOINT:.safetensors=.best.safetensors)"
