# shellcheck shell=bash
# Debian's chromium and chromium-driver, for the gateway console's browser tests (Selenium, headless).
# Only `test` needs them; `up` runs without.

CHROMIUM_BIN=/usr/bin/chromium
CHROMEDRIVER_BIN=/usr/bin/chromedriver

chromium_present() {
  [[ -x "$CHROMIUM_BIN" && -x "$CHROMEDRIVER_BIN" ]]
}

ensure_chromium() {
  if chromium_present; then
    return 0
  fi
  is_root || die "chromium and chromium-driver are missing (the console's browser tests need them). Run: sudo apt-get install -y chromium chromium-driver"
  apt_install chromium chromium chromium-driver
  chromium_present || die "chromium installed but $CHROMIUM_BIN or $CHROMEDRIVER_BIN is missing"
}
