#!/usr/bin/env bash
# Print shared/requirements.txt: the SharedLayer's runtime dependencies exported from uv.lock
# (no dev group, no `local` extra, no project itself). `make requirements` writes it; a test
# compares the committed file with this output so that the layer never drifts from the lock.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
uv="${UV:-$here/.tools/uv/bin/uv}"
echo "# Runtime dependencies of the SharedLayer, exported from uv.lock by \`make requirements\` (do not edit)."
cd "$here"
UV_PYTHON_DOWNLOADS=never "$uv" export --locked --offline --quiet --no-dev --no-emit-project \
  --no-hashes --no-header --no-annotate
