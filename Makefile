# Two commands are the contract (see README): `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BOT_VENV := .venv-bot
PY := $(VENV)/bin/python
SHARED_DATA ?= ../shared/data

HOST ?= 127.0.0.1
PORT ?= 8000

# The main job trains on the real data when it is beside the project, else on the sample.
# The dispatch model learns from replied messages: the real ones, else the hand-written sample.
REPLIES := $(firstword $(wildcard $(SHARED_DATA)/replied_messages.csv) sample_data/replied_messages.csv)
ifneq ($(wildcard $(SHARED_DATA)/messages_train_tokenized.csv),)
TRAIN_FILES := $(SHARED_DATA)/messages_train_tokenized.csv $(SHARED_DATA)/messages_train.csv
TEST_DATA := $(SHARED_DATA)/messages_test.csv
TYPE_DATA := $(SHARED_DATA)/fuzhou12345_water_complaints.csv
TAXONOMY := $(SHARED_DATA)/taxonomy.csv
else
TRAIN_FILES := sample_data/messages_train.csv
TEST_DATA := sample_data/messages_test.csv
TYPE_DATA := sample_data/work_orders_typed.csv
TAXONOMY := sample_data/taxonomy.csv
endif
comma := ,
TRAIN_JSON := [$(subst $(eval) ,$(comma),$(patsubst %,"%",$(TRAIN_FILES)))]

.PHONY: help setup run serve test test-fast test-bot-actions lint train evaluate evaluate-dispatch replay-dispatch \
	bench bench-router bench-bot bench-catalogue bot-train bot-eval system-packages clean

help: ## list the targets
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:[^#]*## / {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(VENV)/.installed $(BOT_VENV)/.installed system-packages ## build both Python environments (.venv 3.11, .venv-bot 3.10)

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

system-packages: ## install Debian's Chromium and a CJK font (when root)
	@scripts/install-system-packages.sh

# Models are (re)built when their training data or the code that builds them changed.
MODEL_CODE := $(wildcard classifier/*.py zhtext/*.py zhtext/resources/*)

models/classifier/CURRENT: $(TRAIN_FILES) $(MODEL_CODE) | setup
	$(PY) -m classifier train $(addprefix --data ,$(TRAIN_FILES))

models/ticket_type/CURRENT: $(TYPE_DATA) $(MODEL_CODE) | setup
	$(PY) -m classifier.ticket_type train --data $(TYPE_DATA)

# The dispatch model (routing.departments) on the earlier 80% of the replies by time; the later 20% is held out.
DISPATCH_CODE := $(MODEL_CODE) $(wildcard routing/departments/*.py routing/departments/config/*)
models/departments/CURRENT: $(REPLIES) $(DISPATCH_CODE) | setup
	$(PY) -m routing.departments train --data $(REPLIES)

# The catalogue search's vocabulary, learned from the guides and the citizens' messages beside the project
# (without them: from the hand-written sample catalogue, plus the word vectors shipped in a PyPI wheel).
CATALOGUE_VOCAB := models/catalogue/vocabulary.npz
GUIDES := $(wildcard $(SHARED_DATA)/guangdong_service_guides.jsonl)
VOCAB_TEXTS := $(filter-out %messages_test.csv,$(wildcard $(SHARED_DATA)/*.csv))
$(CATALOGUE_VOCAB): service_guide/vocabulary.py service_guide/analysis.py service_guide/data/qingshan_catalogue.yml \
		$(GUIDES) $(VOCAB_TEXTS) | setup
	$(PY) -m service_guide.vocabulary build $(addprefix --catalogue ,$(GUIDES)) \
		--catalogue service_guide/data/qingshan_catalogue.yml --data $(SHARED_DATA) --out $@ \
		--min-count $(if $(GUIDES),10,3)

# The catalogue search's learned ranker and not-found decision, one per catalogue (the served 青山区 sample, and the
# Guangdong export when it is beside the project), each trained on questions made from its own guides. No
# evaluation question is read. The service loads the one of the catalogue it serves (models/catalogue/rankers/<file>).
SERVED_CATALOGUE := service_guide/data/qingshan_catalogue.yml
# Other catalogues' real services, taught to each ranker as "not ours" where clearly not its own (ranker.py):
# for the served catalogue the Guangdong export and the 广安区 list, for the export the 广安区 list and the served one.
OTHER_SERVICES := $(wildcard $(SHARED_DATA)/guangan_items_by_department.csv)
RANKER_DIR := models/catalogue/rankers
RANKER_CODE := service_guide/ranker.py service_guide/matcher.py service_guide/analysis.py service_guide/config/search.yml
CATALOGUE_RANKERS := $(RANKER_DIR)/$(basename $(notdir $(SERVED_CATALOGUE))).joblib \
	$(foreach guides,$(GUIDES),$(RANKER_DIR)/$(basename $(notdir $(guides))).joblib)
$(RANKER_DIR)/$(basename $(notdir $(SERVED_CATALOGUE))).joblib: $(SERVED_CATALOGUE) $(RANKER_CODE) $(CATALOGUE_VOCAB) \
		$(GUIDES) $(OTHER_SERVICES) | setup
	$(PY) -m service_guide.ranker build --catalogue $< --vocabulary $(CATALOGUE_VOCAB) --out $@ \
		$(addprefix --absent-from ,$(GUIDES) $(OTHER_SERVICES))
ifneq ($(GUIDES),)
$(RANKER_DIR)/$(basename $(notdir $(GUIDES))).joblib: $(GUIDES) $(RANKER_CODE) $(CATALOGUE_VOCAB) $(OTHER_SERVICES) \
		$(SERVED_CATALOGUE) | setup
	$(PY) -m service_guide.ranker build --catalogue $< --vocabulary $(CATALOGUE_VOCAB) --out $@ \
		$(addprefix --absent-from ,$(OTHER_SERVICES) $(SERVED_CATALOGUE))
endif

train: models/classifier/CURRENT models/ticket_type/CURRENT models/departments/CURRENT $(CATALOGUE_VOCAB) $(CATALOGUE_RANKERS) ## train the models and the catalogue search's vocabulary and rankers (if stale)

evaluate: train evaluate-dispatch ## evaluate the classifier and the dispatch model on held-out data
	$(PY) -m classifier evaluate --data $(TEST_DATA)
	CLASSIFIER_TAXONOMY_PATH=$(TAXONOMY) $(PY) -m classifier predict "尊敬的领导：我们小区物业擅自把公共车位改成收费车位，每月三百元，业主反映多次没人管。"

evaluate-dispatch: models/departments/CURRENT models/classifier/CURRENT ## dispatch model vs both baselines, later 20%
	$(PY) -m routing.departments evaluate --data $(REPLIES) --json

replay-dispatch: setup ## replay the later orders through the feedback loop (reports/departments_replay.png)
	$(PY) -m learning.replay --data $(REPLIES)

# The citizen bot (Rasa, its own Python 3.10 environment); retrained only when its data changes.
RASA := $(BOT_VENV)/bin/rasa
BOT_MODEL := bot/models/citizen-bot.tar.gz
BOT_DATA := config.yml bot/domain.yml $(wildcard nlu_data/*.yml bot/data/*.yml bot/jieba_dict/* bot/components/*.py)
RASA_DATA := --config config.yml --domain bot/domain.yml --data nlu_data bot/data

$(BOT_MODEL): $(BOT_DATA) | setup
	$(RASA) data validate $(RASA_DATA)
	$(RASA) train $(RASA_DATA) --out bot/models --fixed-model-name citizen-bot

bot-train: $(BOT_MODEL) ## train the citizen bot (if its data changed)

# Rasa's standard reports under bot/results/ (intent_report.json, DIETClassifier_report.json, failed_test_stories.yml).
bot-eval: $(BOT_MODEL) ## rasa test nlu + core → bot/results/
	$(RASA) test nlu --nlu bot/tests/nlu_test.yml --model $(BOT_MODEL) --config config.yml --domain bot/domain.yml --out bot/results
	$(RASA) test core --stories bot/tests/test_stories.yml --model $(BOT_MODEL) --out bot/results

# The main service (router API, catalogue, pages, WeChat callback) with the Rasa server and action server beside it.
BOT_PORT ?= 5005
# Rasa's HTTP API answers only with this token; the REST webhook answers browsers of the site's origin only.
BOT_AUTH_TOKEN ?= demo-rasa-token
BOT_CORS ?= http://$(HOST):$(PORT)
# bot/endpoints.yml reads these: conversations in SQL (SQLite under the project home unless set), locks in
# the process unless BOT_LOCK_STORE=redis.
export BOT_ACTIONS_URL ?= http://127.0.0.1:5055/webhook
export BOT_TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/data/bot_tracker.db
export BOT_LOCK_STORE ?= in_memory
export BOT_LOCK_STORE_HOST ?= 127.0.0.1
export BOT_LOCK_STORE_PORT ?= 6379
export BOT_LOCK_STORE_DB ?= 1
serve: train $(BOT_MODEL) ## serve the main app, the Rasa server and the action server
	@echo "市民智能咨询 citizen chat:   http://$(HOST):$(PORT)/chat"
	@echo "派单台 operator console:     http://$(HOST):$(PORT)/console    (login: demo-operator)"
	@echo "训练台 trainer console:      http://$(HOST):$(PORT)/trainer    (login: demo-trainer)"
	@echo "指标 dashboard:              http://$(HOST):$(PORT)/dashboard  (login: demo-operator)"
	@echo "分析研判 analysis:           http://$(HOST):$(PORT)/analysis   (login: demo-leader)"
	@echo "微信公众号 WeChat callback:  http://$(HOST):$(PORT)/wechat     (set WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_ENCODING_AES_KEY)"
	@echo "派单服务 router API:         http://$(HOST):$(PORT)/docs       (demo tokens: core/config/users.yml)"
	@echo "市民助手 Rasa REST:          http://$(HOST):$(BOT_PORT)/webhooks/rest/webhook   (socket.io on the same port)"
	@mkdir -p data; trap 'kill 0' EXIT; \
	(cd bot && ../$(RASA) run actions --actions actions --port 5055) & \
	$(RASA) run --model $(BOT_MODEL) --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
		--interface $(HOST) --port $(BOT_PORT) --enable-api --auth-token "$(BOT_AUTH_TOKEN)" --cors "$(BOT_CORS)" & \
	LEARNING_BASE_TRAINING_FILES='$(TRAIN_JSON)' LEARNING_FROZEN_TEST_FILE=$(TEST_DATA) \
		DEPARTMENTS_REPLIES_FILE=$(REPLIES) BOT_AUTH_TOKEN="$(BOT_AUTH_TOKEN)" \
		CLASSIFIER_TAXONOMY_PATH=$(TAXONOMY) BOT_URL=http://$(HOST):$(BOT_PORT) \
		$(PY) -m server --host $(HOST) --port $(PORT)

run: evaluate serve ## set up everything and run the main job (the README's first command)

# Test tiers: markers slow (trains the bot or starts processes), bot (needs .venv-bot), browser (Chromium).
test: setup lint ## everything CI runs: lint, the whole 3.11 suite, the bot's action unit tests
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory test-bot-actions

test-fast: $(VENV)/.installed ## the quick tier: no Rasa, no browser, no process-starting tests (under 3 min)
	$(PY) -m pytest -q -m "not slow and not bot and not browser"

test-bot-actions: $(BOT_VENV)/.installed ## unit tests of the bot's custom actions, in the bot's environment
	cd bot && ../$(BOT_VENV)/bin/python -m pytest -q tests/actions

lint: $(VENV)/.installed ## ruff (rules in pyproject.toml)
	$(PY) -m ruff check .

bench: setup ## classifier benchmark on the real data (JSON)
	$(PY) -m classifier.bench --train $(SHARED_DATA)/messages_train_tokenized.csv --train $(SHARED_DATA)/messages_train.csv --test $(SHARED_DATA)/messages_test.csv --json

bench-router: train ## the service under a fixed-rate load at 25, 50, 100 req/s (JSON; BENCH_DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL, which is wiped)
	$(PY) -m server.bench --messages $(SHARED_DATA)/messages_test.csv --rate 25 --rate 50 --rate 100 --seconds 30 --workers 2 \
		$(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL)) --json

# Catalogue search on the real Guangdong export: blind development questions and out-of-catalogue ones
# (top-1/top-3 per kind, not-found precision/recall, p50/p99). Any other set: QUERIES=path.csv.
QUERIES ?= service_guide/eval/guangdong_queries_blind_dev.csv service_guide/eval/negative_blind_dev.csv
bench-catalogue: $(CATALOGUE_VOCAB) $(CATALOGUE_RANKERS) ## catalogue search on the Guangdong export (top-1/top-3 per kind, not-found, p99)
	$(PY) -m service_guide.bench --catalogue $(SHARED_DATA)/guangdong_service_guides.jsonl \
		$(addprefix --queries ,$(QUERIES)) --vocabulary $(CATALOGUE_VOCAB) --json

# REST latency of the running bot (make serve first) and NLU cross-validation.
bench-bot: $(BOT_MODEL) ## REST latency of the running bot (make serve first)
	$(PY) bot/bench.py --json

# data/ holds the live work-order database: never removed here.
clean: ## remove the environments, models, reports and test artefacts (never data/)
	rm -rf $(VENV) $(BOT_VENV) models reports test-artifacts bot/models bot/results
