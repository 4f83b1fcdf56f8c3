# Two commands are the contract (see README): `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BOT_VENV := .venv-bot
PY := $(VENV)/bin/python
SHARED_DATA ?= ../shared/data

# The main job trains on the real data when it is beside the project, else on the sample.
ifneq ($(wildcard $(SHARED_DATA)/messages_train_tokenized.csv),)
TRAIN_DATA := --data $(SHARED_DATA)/messages_train_tokenized.csv --data $(SHARED_DATA)/messages_train.csv
TEST_DATA := $(SHARED_DATA)/messages_test.csv
else
TRAIN_DATA := --data sample_data/messages_train.csv
TEST_DATA := sample_data/messages_test.csv
endif

.PHONY: setup run test train evaluate bench system-packages clean

setup: $(VENV)/.installed $(BOT_VENV)/.installed system-packages

$(VENV)/.installed: pyproject.toml constraints.txt
	@python=$$(scripts/find-python.sh 3.11) || exit 1; [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

$(BOT_VENV)/.installed: bot/requirements.txt
	@python=$$(scripts/find-python.sh 3.10) || exit 1; [ -x $(BOT_VENV)/bin/python ] || $$python -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/python -m pip install -q --upgrade pip
	$(BOT_VENV)/bin/python -m pip install -q -r bot/requirements.txt
	@touch $@

system-packages:
	@scripts/install-system-packages.sh

train: setup
	$(PY) -m classifier train $(TRAIN_DATA)

evaluate: setup
	$(PY) -m classifier evaluate --data $(TEST_DATA)

run: train evaluate
	$(PY) -m classifier predict "尊敬的领导：我们小区物业擅自把公共车位改成收费车位，每月三百元，业主反映多次没人管。"

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) -m classifier.bench --train $(SHARED_DATA)/messages_train_tokenized.csv --train $(SHARED_DATA)/messages_train.csv --test $(SHARED_DATA)/messages_test.csv --json

clean:
	rm -rf $(VENV) $(BOT_VENV) models reports test-artifacts
