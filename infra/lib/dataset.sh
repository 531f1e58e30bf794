# shellcheck shell=bash
# Fashion-MNIST from Debian's dataset-fashion-mnist (gzipped IDX files), needed by ml-core.

FASHION_MNIST_DIR="${MEDFORGE_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"

dataset_present() {
  ls "$FASHION_MNIST_DIR"/train-images-idx3-ubyte* >/dev/null 2>&1 \
    && ls "$FASHION_MNIST_DIR"/t10k-labels-idx1-ubyte* >/dev/null 2>&1
}

ensure_dataset() {
  if dataset_present; then
    return 0
  fi
  is_root || die "Fashion-MNIST is missing. Run: sudo apt-get install -y dataset-fashion-mnist"
  apt_install dataset dataset-fashion-mnist
  dataset_present || die "dataset-fashion-mnist installed but no IDX files in $FASHION_MNIST_DIR"
}

status_dataset() {
  if dataset_present; then
    status_line fashion-mnist OK "$FASHION_MNIST_DIR"; return 0
  fi
  status_line fashion-mnist MISSING "apt-get install -y dataset-fashion-mnist"; return 1
}
