#!/usr/bin/env bash
# Print the path of a CPython interpreter of the given minor version (default 3.13), installed on
# this machine, never downloaded (UV_PYTHON_DOWNLOADS=never). `sam build` needs python3.13 on PATH
# because the Lambda runtime is python3.13 while the project's own venv may be older.
# Order: uv's discovery, then pyenv's versions (uv cannot use pyenv shims of non-active versions),
# then the usual system locations.
set -euo pipefail
want="${1:-3.13}"
here="$(cd "$(dirname "$0")/.." && pwd)"
uv="$here/.tools/uv/bin/uv"

is_version() { [ -x "$1" ] && [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; }

if [ -x "$uv" ]; then
  if found="$(UV_PYTHON_DOWNLOADS=never "$uv" python find --system "$want" 2>/dev/null)" && is_version "$found"; then
    echo "$found"; exit 0
  fi
fi
roots=()
if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)/versions"); fi
roots+=("${PYENV_ROOT:-$HOME/.pyenv}/versions")
for root in "${roots[@]}"; do
  for candidate in "$root"/"$want"*/bin/python"$want"; do
    if is_version "$candidate"; then echo "$candidate"; exit 0; fi
  done
done
for candidate in /usr/local/bin/python"$want" /usr/bin/python"$want" /opt/homebrew/bin/python"$want"; do
  if is_version "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "find-python: no Python $want interpreter found (install python$want; sam build needs it)" >&2
exit 1
