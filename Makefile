# Two entry points for people: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COLL_ROOT := build/ansible_collections/zerto_msp/billing
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build:$(CURDIR)/$(VENV)/lib/python3.11/site-packages
export ANSIBLE_FORCE_COLOR ?= 0

.PHONY: help bootstrap apt venv collection unit sanity lint changelog-lint build importer \
        integration lab-image lab-infra molecule test demo demo-clean demo-probe demo-probe-clean benchmarks clean

help:
	@echo "make demo   - build the podman lab fleet and run the rollout against it"
	@echo "make demo-clean - remove the demo lab"
	@echo "make test   - the whole test suite (unit, sanity, lint, build, import, integration, molecule)"

bootstrap: apt venv

apt:
	@missing=$$(grep -v '^#' requirements/apt.txt | xargs -n1 | while read -r p; do \
	    dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'ok installed' || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing apt packages: $$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BIN)/activate: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements/dev.txt
	touch $@

venv: $(BIN)/activate

# ansible-test and galaxy tooling want the collection under ansible_collections/<ns>/<name>.
collection: venv
	@mkdir -p $(COLL_ROOT)
	@rsync -a --delete --exclude .venv --exclude build --exclude .git --exclude tests/output \
	    --exclude .cache --exclude .ansible --exclude .pytest_cache --exclude reports --exclude importer_result.json --exclude '__pycache__' ./ $(COLL_ROOT)/
	@# ansible-test lists files with git: give the copy its own throw-away index.
	@cd $(COLL_ROOT) && { [ -d .git ] || git init -q; } && git add -A

unit: venv
	$(BIN)/python -m pytest -q tests/unit

ANSIBLE_TEST_GET_PIP := $(HOME)/.ansible/test/cache/get_pip_24_2.py

sanity: collection
	@mkdir -p $(dir $(ANSIBLE_TEST_GET_PIP)) && cp tests/sanity/get_pip_offline.py $(ANSIBLE_TEST_GET_PIP)
	cd $(COLL_ROOT) && PATH=$(CURDIR)/$(BIN):$$PATH ansible-test sanity --python 3.11 --requirements

lint: venv
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/ansible-lint --profile production

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: collection
	@rm -f build/zerto_msp-billing-*.tar.gz
	cd $(COLL_ROOT) && $(CURDIR)/$(BIN)/ansible-galaxy collection build --force --output-path $(CURDIR)/build

# galaxy-importer's ansible-lint installs the artifact under ~/.ansible, where a later ansible-lint
# would take that stale copy for this collection: it is removed again.
importer: build
	status=0; PATH=$(CURDIR)/$(BIN):$$PATH GALAXY_IMPORTER_CONFIG=$(CURDIR)/tests/galaxy-importer.cfg \
	    $(BIN)/python -m galaxy_importer.main build/zerto_msp-billing-*.tar.gz || status=$$?; \
	    rm -rf $(HOME)/.ansible/collections/ansible_collections/zerto_msp; exit $$status

integration: bootstrap collection
	PATH=$(CURDIR)/$(BIN):$$PATH tests/integration/run.sh

# The podman lab image (debootstrap, no registry): its own stage so a failed build shows as such.
lab-image: apt
	tests/lab/podman/build_image.sh

# The lab's shared part (network, billing host) up and answering before any scenario needs it.
lab-infra: venv lab-image
	$(BIN)/python tests/lab/podman/lab.py infra

molecule: bootstrap collection lab-infra
	tests/integration/molecule.sh

test: bootstrap unit changelog-lint sanity lint importer integration molecule
	@echo "make test: all stages passed"

demo: bootstrap collection
	PATH=$(CURDIR)/$(BIN):$$PATH tests/lab/podman/demo.sh

demo-clean: venv
	PATH=$(CURDIR)/$(BIN):$$PATH tests/lab/podman/demo_clean.sh

# The probe-only demo on the namespace lab (no podman needed).
demo-probe: bootstrap collection
	PATH=$(CURDIR)/$(BIN):$$PATH tests/lab/demo.sh

demo-probe-clean: venv
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tests/lab/probe_lab.py down /tmp/zerto-billing-demo

benchmarks: bootstrap collection
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tests/benchmarks/probe_filtered_range.py
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tests/benchmarks/nft_apply_scaling.py
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tests/benchmarks/pre_upgrade_vs_ping.py

clean:
	rm -rf build .pytest_cache
