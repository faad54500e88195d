#!/usr/bin/env bash
# Seeds the fuzz corpus with every shipped scenario and every malformed one.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/scenario
cp ../scenarios/*.toml ../scenarios/validation/*.toml ../tests/bad_scenarios/*.toml corpus/scenario/
