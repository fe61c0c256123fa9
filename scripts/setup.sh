#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install dependencies, build,
# train the default model on the bundled corpus, classify sample articles
# and print the evaluation on the corpus's test split.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
bash scripts/demo.sh
