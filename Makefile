# StockGuard. Works on a fresh machine that has only python3, git and make:
#   make demo   run the demo against the embedded default (moto + Ads API simulator)
#   make test   the test suite (without the soak and the slow tests: make test-all runs those too)
# uv lives in its own tool venv (.tools/uv), SAM CLI + cfn-lint in another (.tools/sam): aws-sam-cli
# pins boto3/pydantic versions that would downgrade the application's.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export SAM_CLI_TELEMETRY := 0

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/uv/bin/uv
SAM_VENV := .tools/sam
SAM := $(SAM_VENV)/bin/sam
CFN_LINT := $(SAM_VENV)/bin/cfn-lint
PYTEST_ARGS ?=
# `make test` spreads the suite over this many pytest-xdist workers (0: in one process). .ci/run sets 0:
# it runs the soak on the other core at the same time.
PYTEST_WORKERS ?= 2

.PHONY: help bootstrap demo lint test test-slow test-all test-soak tools validate build audit requirements clean

help:
	@echo "make bootstrap     uv tool venv + project venv (.venv) from uv.lock"
	@echo "make demo          run 'stockguard demo' (moto + local Ads API simulator)"
	@echo "make lint          ruff lint, ruff format check, mypy (runtime package + functions/)"
	@echo "make test          lint, then pytest without the soak and the slow tests on PYTEST_WORKERS=2 workers (PYTEST_ARGS=...)"
	@echo "make test-slow     the tests of 4 s or more (tests/conftest.py SLOW_TESTS); make test-all: test + test-slow"
	@echo "make test-soak     the soak only (50,000 notifications over 5,000 ASINs, about 26 min; SOAK_STORES=memory: fast mode)"
	@echo "make tools         SAM CLI, cfn-lint and the serverless rules in .tools/sam"
	@echo "make validate      sam validate --lint and cfn-lint with the serverless rules"
	@echo "make build         sam build (python3.13) and check the artifact"
	@echo "make audit         pip-audit of the locked dependencies (needs the vulnerability services)"
	@echo "make requirements  regenerate shared/requirements.txt from uv.lock"

$(UV):
	$(PYTHON) -m venv --clear .tools/uv
	.tools/uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

bootstrap: $(UV)
	$(UV) sync --locked

demo: bootstrap
	.venv/bin/stockguard demo

# pytest exits 5 when it collected no test: that is a failure of `make test`, never a silent pass.
define run_pytest
	rc=0; .venv/bin/python -m pytest $(1) --durations=15 $(PYTEST_ARGS) || rc=$$?; \
	if [ "$$rc" -eq 5 ]; then echo "make $@: pytest collected no tests (exit 5): failing" >&2; exit 1; fi; \
	exit "$$rc"
endef

# Code-health gates (configuration in pyproject.toml: [tool.ruff], [tool.mypy]). mypy checks the
# runtime package (what the Lambda layer ships) and functions/; its file list lives in [tool.mypy].
lint: bootstrap
	@echo "lint: ruff check"; .venv/bin/ruff check .
	@echo "lint: ruff format --check"; .venv/bin/ruff format --check .
	@echo "lint: mypy"; .venv/bin/mypy

test: bootstrap lint
	@$(call run_pytest,-m "not soak and not slow" -n $(PYTEST_WORKERS))

# The tests of 4 s or more (tests/conftest.py SLOW_TESTS), kept out of `make test` so it stays within
# 4 minutes; .ci/run runs them too. `make test-all` is both.
test-slow: bootstrap
	@$(call run_pytest,-m "slow and not soak" -n $(PYTEST_WORKERS))

test-all: test test-slow

# The soak (tests/soak/test_soak.py, marked soak): 50,000 notifications over 5,000 ASINs by default
# (SOAK_NOTIFICATIONS / SOAK_ASINS scale it). No test marked soak (exit 5) fails like any other error.
test-soak: bootstrap
	@$(call run_pytest,-m soak tests/soak)

$(SAM): tools/sam-requirements.txt
	$(PYTHON) -m venv --clear $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/sam-requirements.txt
	touch $(SAM)

tools: $(SAM)

validate: tools
	$(SAM) validate --lint --template template.yaml --region us-east-1
	$(CFN_LINT) -a cfn_lint_serverless.rules -- template.yaml

# sam build needs a python3.13 (the Lambda runtime) on PATH; tools/find-python.sh finds an
# installed one (uv, pyenv, system) without downloading anything.
# The artifact is then checked twice: files (check_build.py: packages, the cp313 x86_64 pydantic-core)
# and imports (smoke_layer.py: every handler and the runtime modules load on python3.13 from the
# function directory + layer alone, without the local-only moto/yaml).
build: tools $(UV)
	py313="$$(tools/find-python.sh 3.13)"; \
	PATH="$$(dirname "$$py313"):$$PATH" $(SAM) build --template template.yaml; \
	$(PYTHON) tools/check_build.py .aws-sam/build; \
	"$$py313" -I -S -B tools/smoke_layer.py .aws-sam/build

# Not run by .ci/run: the vulnerability services are unreachable from CI machines, and a check that
# passes when the service is unreachable would be worse than none. pip-audit lives in its own tool
# venv (.tools/pip-audit) and audits every locked package (runtime, extras, dev) from the exported
# lock, pinned and without resolving anything (--no-deps --disable-pip).
PIP_AUDIT_VERSION := 2.10.1
PIP_AUDIT := .tools/pip-audit/bin/pip-audit

$(PIP_AUDIT):
	$(PYTHON) -m venv --clear .tools/pip-audit
	.tools/pip-audit/bin/python -m pip install --quiet --disable-pip-version-check pip-audit==$(PIP_AUDIT_VERSION)

audit: $(UV) $(PIP_AUDIT)
	mkdir -p .tools/audit
	$(UV) export --locked --quiet --all-extras --all-groups --no-emit-project --no-hashes --no-header \
	  --output-file .tools/audit/requirements.txt
	$(PIP_AUDIT) --strict --no-deps --disable-pip --requirement .tools/audit/requirements.txt

requirements: $(UV)
	tools/export-requirements.sh > shared/requirements.txt.tmp
	mv shared/requirements.txt.tmp shared/requirements.txt

clean:
	rm -rf .aws-sam .tools/audit
