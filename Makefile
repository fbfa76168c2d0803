# Fresh Debian 12/13 machine, as root:  make run  |  make test
# Both install the system packages (scripts/install-system-deps.sh) and the venv.

# Debian's interpreter: the one Orthanc's Python plugin embeds (3.11 on Debian 12,
# 3.13 on Debian 13). Not whatever python3 comes first on PATH.
PYTHON ?= /usr/bin/python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARTIFACTS ?= artifacts
PYTEST_ARGS ?=

.PHONY: all deps venv run test lint clean

all: test

deps:
	scripts/install-system-deps.sh

venv: $(STAMP)

# Re-run when pyproject.toml changes; recreate the venv when it was built by
# another interpreter than $(PYTHON).
$(STAMP): pyproject.toml
	@want="$$($(PYTHON) -c 'import sys; print(sys.version_info[:2], sys.base_prefix)')"; \
	have="$$($(VPY) -c 'import sys; print(sys.version_info[:2], sys.base_prefix)' 2>/dev/null || true)"; \
	if [ "$$want" != "$$have" ]; then \
	  echo "creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	fi
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	@# presidio-image-redactor depends on opencv-python (GUI build); both it and
	@# opencv-python-headless own the cv2 module. Keep exactly one: the headless one.
	@if $(VPY) -m pip show --quiet opencv-python >/dev/null 2>&1; then \
	  echo "replacing opencv-python with opencv-python-headless"; \
	  $(VPY) -m pip uninstall --quiet -y opencv-python opencv-python-headless && \
	  $(VPY) -m pip install --quiet --no-deps --force-reinstall 'opencv-python-headless>=4.8'; \
	fi
	$(VPY) -c 'import cv2, plugin; print("venv ok: cv2", cv2.__version__, "plugin", plugin.__version__)'
	touch $@

run: deps venv
	scripts/run-orthanc.sh

test: deps venv
	mkdir -p $(ARTIFACTS)
	REQUIRE_ORTHANC=1 $(VPY) -m pytest -q --junitxml=$(ARTIFACTS)/junit.xml $(PYTEST_ARGS)

lint: venv
	@if [ -x $(VENV)/bin/ruff ]; then \
	  $(VENV)/bin/ruff check plugin tests && $(VENV)/bin/ruff format --check plugin tests; \
	else \
	  echo "ruff is not installed in $(VENV) (optional: $(VPY) -m pip install ruff)"; \
	fi

clean:
	rm -rf $(VENV) var $(ARTIFACTS) .pytest_cache build *.egg-info
	find plugin tests -name __pycache__ -type d -prune -exec rm -rf {} +
