# Two commands are the contract (see README): `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BOT_VENV := .venv-bot
PY := $(VENV)/bin/python
SHARED_DATA ?= ../shared/data

HOST ?= 127.0.0.1
PORT ?= 8000

# The main job trains on the real data when it is beside the project, else on the sample.
ifneq ($(wildcard $(SHARED_DATA)/messages_train_tokenized.csv),)
TRAIN_FILES := $(SHARED_DATA)/messages_train_tokenized.csv $(SHARED_DATA)/messages_train.csv
TEST_DATA := $(SHARED_DATA)/messages_test.csv
TYPE_DATA := $(SHARED_DATA)/fuzhou12345_water_complaints.csv
else
TRAIN_FILES := sample_data/messages_train.csv
TEST_DATA := sample_data/messages_test.csv
TYPE_DATA := sample_data/work_orders_typed.csv
endif
comma := ,
TRAIN_JSON := [$(subst $(eval) ,$(comma),$(patsubst %,"%",$(TRAIN_FILES)))]

.PHONY: setup run serve test train evaluate bench bench-router system-packages clean

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

# Models are (re)built only when their training data changed.
models/classifier/CURRENT: $(TRAIN_FILES) | setup
	$(PY) -m classifier train $(addprefix --data ,$(TRAIN_FILES))

models/ticket_type/CURRENT: $(TYPE_DATA) | setup
	$(PY) -m routing.ticket_type train --data $(TYPE_DATA)

train: models/classifier/CURRENT models/ticket_type/CURRENT

evaluate: train
	$(PY) -m classifier evaluate --data $(TEST_DATA)
	$(PY) -m classifier predict "尊敬的领导：我们小区物业擅自把公共车位改成收费车位，每月三百元，业主反映多次没人管。"

# The router API; retraining uses the same base data and frozen test file as `make train`.
serve: train
	@echo "派单服务 router API:  http://$(HOST):$(PORT)/docs   (demo tokens: routing/config/users.yml)"
	ROUTER_BASE_TRAINING_FILES='$(TRAIN_JSON)' ROUTER_FROZEN_TEST_FILE=$(TEST_DATA) \
		$(PY) -m routing --host $(HOST) --port $(PORT)

run: evaluate serve

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) -m classifier.bench --train $(SHARED_DATA)/messages_train_tokenized.csv --train $(SHARED_DATA)/messages_train.csv --test $(SHARED_DATA)/messages_test.csv --json

bench-router: train
	$(PY) -m routing.bench --json

clean:
	rm -rf $(VENV) $(BOT_VENV) models reports data test-artifacts
