# Sourced by .ci/run: makes Debian's Chromium available for the browser tests (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
	echo "installing Debian's chromium for the browser tests" >&2
	SUDO=""
	if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
	$SUDO apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi
