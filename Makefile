# Two entry points for a fresh machine: `make run` (install + explorer) and `make test`
# (install + every test). Both create .venv; torch goes in first so pip takes the CPU wheel.
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: run test install chromium lint weights notebooks clean

run: $(STAMP)
	$(VENV)/bin/neuralens serve

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium; install it when missing (needs root and apt-get).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install -y chromium' (browser tests need it)"; exit 1; \
	  fi; }

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Shipped pretrained weights: train the MLP and the CNN on full MNIST (from $$NEURALENS_DATA,
# else `neuralens data download mnist`) with the CLI, then copy weights + metadata into the package.
weights: $(STAMP)
	for model in mlp cnn; do \
	  $(VENV)/bin/neuralens train $$model --data mnist --out build/weights --overwrite || exit 1; \
	  cp build/weights/$$model.safetensors build/weights/$$model.json src/neuralens/weights/; \
	done
	$(PY) -c "from neuralens.studies.latent import ship_latent_models as ship; ship('build/weights')"
	for name in autoencoder vae vae-2d autoencoder-fashion autoencoder-skips; do \
	  cp build/weights/$$name.safetensors build/weights/$$name.json src/neuralens/weights/; \
	done
	$(VENV)/bin/neuralens train attributes --device cpu --out build/weights --overwrite
	cp build/weights/attributes.safetensors build/weights/attributes.json src/neuralens/weights/
	for data in shapes digit-scenes; do \
	  $(VENV)/bin/neuralens train vision-tasks --data $$data --threads 1 --out build/weights/$$data \
	    --overwrite || exit 1; \
	  for ext in safetensors json; do cp build/weights/$$data/unet.$$ext src/neuralens/weights/unet-$$data.$$ext; done; \
	done
	# the segmenter of words-as-the-prompt's edits: 9,600 captioned scenes, 3 epochs (900 steps)
	$(VENV)/bin/neuralens train vision-tasks --data captioned-scenes --epochs 3 --device cpu \
	  --out build/weights/captioned-scenes --overwrite
	for ext in safetensors json; do \
	  cp build/weights/captioned-scenes/unet.$$ext src/neuralens/weights/unet-captioned-scenes.$$ext; \
	done
	$(VENV)/bin/neuralens train diffusion --data mnist --threads 2 --out build/weights --overwrite
	cp build/weights/diffusion.safetensors build/weights/diffusion.json src/neuralens/weights/
	# words as the prompt: two one-thread processes (DDP over gloo) use both cores
	OMP_NUM_THREADS=1 $(VENV)/bin/torchrun --standalone --nproc_per_node 2 -m neuralens train \
	  text-to-image --data captioned-scenes --threads 1 --out build/weights/text-to-image --overwrite
	for ext in safetensors json; do \
	  cp build/weights/text-to-image/text_eps_unet.$$ext src/neuralens/weights/text-to-image.$$ext; \
	done

clean:
	rm -rf $(VENV) test-output build *.egg-info
