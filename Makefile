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

.PHONY: setup run serve test train evaluate bench bench-router bench-bot bench-catalogue bot-train bot-eval system-packages clean

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

# The citizen bot (Rasa, its own Python 3.10 environment); retrained only when its data changes.
RASA := $(BOT_VENV)/bin/rasa
BOT_MODEL := bot/models/citizen-bot.tar.gz
BOT_DATA := config.yml bot/domain.yml $(wildcard nlu_data/*.yml bot/data/*.yml bot/jieba_dict/* bot/components/*.py)
RASA_DATA := --config config.yml --domain bot/domain.yml --data nlu_data bot/data

$(BOT_MODEL): $(BOT_DATA) | setup
	$(RASA) data validate $(RASA_DATA)
	$(RASA) train $(RASA_DATA) --out bot/models --fixed-model-name citizen-bot

bot-train: $(BOT_MODEL)

# Rasa's standard reports under bot/results/ (intent_report.json, DIETClassifier_report.json, failed_test_stories.yml).
bot-eval: $(BOT_MODEL)
	$(RASA) test nlu --nlu bot/tests/nlu_test.yml --model $(BOT_MODEL) --config config.yml --domain bot/domain.yml --out bot/results
	$(RASA) test core --stories bot/tests/test_stories.yml --model $(BOT_MODEL) --out bot/results

# The main service (router API, catalogue, pages, WeChat callback) with the Rasa server and action server beside it.
BOT_PORT ?= 5005
BOT_CORS ?= *
serve: train $(BOT_MODEL)
	@echo "市民智能咨询 citizen chat:   http://$(HOST):$(PORT)/chat"
	@echo "派单台 operator console:     http://$(HOST):$(PORT)/console    (login: demo-operator)"
	@echo "训练台 trainer console:      http://$(HOST):$(PORT)/trainer    (login: demo-trainer)"
	@echo "指标 dashboard:              http://$(HOST):$(PORT)/dashboard  (login: demo-operator)"
	@echo "微信公众号 WeChat callback:  http://$(HOST):$(PORT)/wechat     (set WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY)"
	@echo "派单服务 router API:         http://$(HOST):$(PORT)/docs       (demo tokens: routing/config/users.yml)"
	@echo "市民助手 Rasa REST:          http://$(HOST):$(BOT_PORT)/webhooks/rest/webhook   (socket.io on the same port)"
	@trap 'kill 0' EXIT; \
	(cd bot && ../$(RASA) run actions --actions actions --port 5055) & \
	$(RASA) run --model $(BOT_MODEL) --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
		--interface $(HOST) --port $(BOT_PORT) --enable-api --cors "$(BOT_CORS)" & \
	ROUTER_BASE_TRAINING_FILES='$(TRAIN_JSON)' ROUTER_FROZEN_TEST_FILE=$(TEST_DATA) \
		ROUTER_BOT_URL=http://$(HOST):$(BOT_PORT) WECHAT_BOT_URL=http://$(HOST):$(BOT_PORT) \
		$(PY) -m routing --host $(HOST) --port $(PORT)

run: evaluate serve

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) -m classifier.bench --train $(SHARED_DATA)/messages_train_tokenized.csv --train $(SHARED_DATA)/messages_train.csv --test $(SHARED_DATA)/messages_test.csv --json

bench-router: train
	$(PY) -m routing.bench --json

# Item matcher on 100 colloquial queries for the real Guangdong export (top-1/top-3, p99).
bench-catalogue: setup
	$(PY) -m service_guide.bench --catalogue $(SHARED_DATA)/guangdong_service_guides.jsonl --queries service_guide/eval/guangdong_queries.csv

# REST latency of the running bot (make serve first) and NLU cross-validation.
bench-bot: $(BOT_MODEL)
	$(PY) bot/bench.py --json

clean:
	rm -rf $(VENV) $(BOT_VENV) models reports data test-artifacts bot/models bot/results
