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
  ensure_dirs
  log "installing Debian packages python3-numpy python3-sklearn (apt-get), for the Python reference in interop/python"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOG_DIR/apt-interop.log" 2>&1 \
    && apt-get install -y -qq python3-numpy python3-sklearn >>"$LOG_DIR/apt-interop.log" 2>&1 \
    || die "apt-get install python3-numpy python3-sklearn failed; see $LOG_DIR/apt-interop.log"
  python_reference_present || die "python3-numpy and python3-sklearn installed, but $INTEROP_PYTHON cannot import them"
}
