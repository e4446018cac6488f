#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing and we may (root + apt).
# Never fails: without chromium the browser tests skip with a visible reason.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser tests (apt-get)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "could not install chromium; browser tests will be skipped" >&2
else
  echo "chromium missing and not installable here; browser tests will be skipped" >&2
fi
exit 0
