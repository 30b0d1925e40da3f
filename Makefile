# Unrolled's entry points. Each target installs the Debian packages it needs first, so
# both README commands work on a fresh Debian machine (as root, or with sudo available).
#
#   make site    build the book's website (not yet: for now, list and run chapter 1)
#   make test    run every test
#   make bench   speed figures (see Benchmarks/)

SWIFT ?= swift

# Debian packages: cmark parses the Markdown, OpenBLAS multiplies the matrices.
BUILD_PACKAGES := pkg-config libcmark-dev libopenblas-dev

.PHONY: all site test check deps python-deps

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

site: deps
	$(SWIFT) run book list
	$(SWIFT) run ch01

check: deps
	$(SWIFT) run book check

test: deps python-deps
	$(SWIFT) run book check
	$(SWIFT) test
	$(SWIFT) run book solutions
