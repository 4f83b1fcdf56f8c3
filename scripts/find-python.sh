#!/usr/bin/env bash
# Print the path of a Python interpreter of version X.Y (e.g. 3.10), or fail with a clear message.
# Order: $PYTHON310 / $PYTHON311 override, pythonX.Y on PATH, pyenv's shim with PYENV_VERSION,
# pyenv's version folders, then python3 if it happens to be X.Y.
set -u
want="${1:?usage: find-python.sh X.Y}"
override_var="PYTHON${want/./}"
matches() { "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" >/dev/null 2>&1; }
resolve() { "$@" -c 'import sys; print(sys.executable)' 2>/dev/null; }

if [ -n "${!override_var:-}" ]; then
  if matches "${!override_var}"; then resolve "${!override_var}"; exit 0; fi
  echo "error: \$$override_var=${!override_var} is not Python $want" >&2; exit 1
fi
if command -v "python$want" >/dev/null 2>&1 && matches "python$want"; then resolve "python$want"; exit 0; fi
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in $(ls -d "$pyenv_root"/versions/"$want".* 2>/dev/null | sort -V -r); do
  version="$(basename "$dir")"
  if PYENV_VERSION="$version" "python$want" -c 'pass' >/dev/null 2>&1; then
    resolve env PYENV_VERSION="$version" "python$want" && exit 0
  fi
  if [ -x "$dir/bin/python$want" ]; then echo "$dir/bin/python$want"; exit 0; fi
done
if command -v python3 >/dev/null 2>&1 && matches python3; then resolve python3; exit 0; fi
echo "error: Python $want not found. Install it (e.g. 'pyenv install $want') or set $override_var=/path/to/python$want" >&2
exit 1
