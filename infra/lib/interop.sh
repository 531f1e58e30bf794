# shellcheck shell=bash
# Debian's NumPy and scikit-learn for the independent Python reference (interop/python), which
# `./medforge test` runs against DJL. Debian's own python3, not whatever python3 is first on PATH:
# the packages install there.

INTEROP_PYTHON=/usr/bin/python3

python_reference_present() {
  [[ -x "$INTEROP_PYTHON" ]] && "$INTEROP_PYTHON" -c 'import numpy, sklearn' >/dev/null 2>&1
}

ensure_python_reference() {
  python_reference_present && return 0
  is_root || die "NumPy and scikit-learn for $INTEROP_PYTHON are missing. Run: sudo apt-get install -y python3-numpy python3-sklearn"
  apt_install interop python3-numpy python3-sklearn
  python_reference_present || die "python3-numpy and python3-sklearn installed, but $INTEROP_PYTHON cannot import them"
}
