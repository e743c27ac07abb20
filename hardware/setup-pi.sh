#!/usr/bin/env bash
# Set up Pressure Trainer on a Raspberry Pi (Raspberry Pi OS Bookworm or later).
#
#   hardware/setup-pi.sh            install into .venv next to this repository
#   hardware/setup-pi.sh --service  also start the trainer on the console at boot
#
# Run it as the user who will use the trainer (not root); it asks for sudo when needed.
set -euo pipefail

die() { echo "setup-pi: $*" >&2; exit 1; }

SERVICE=0
for arg in "$@"; do
    case "$arg" in
        --service) SERVICE=1 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) die "unknown option '$arg'; use --service or nothing" ;;
    esac
done

[[ $EUID -ne 0 ]] || die "run this as your normal user, not root (it uses sudo itself)"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -f "$REPO/pyproject.toml" ]] || die "cannot find pyproject.toml in $REPO; run the script from the repository"
USER_NAME="$(id -un)"

echo "== apt packages (python3-lgpio: lgpio from the package index would need SWIG to build)"
sudo apt-get update
sudo apt-get install -y python3-venv python3-pip python3-dev python3-lgpio i2c-tools

echo "== virtual environment in $REPO/.venv (with the system's lgpio)"
# --system-site-packages lets gpiozero in the venv find the apt-installed lgpio.
python3 -m venv --system-site-packages "$REPO/.venv"
"$REPO/.venv/bin/pip" install --upgrade pip
"$REPO/.venv/bin/pip" install "$REPO[pi]"
"$REPO/.venv/bin/python" -c "import lgpio" \
    || die "lgpio is not importable from the venv; check that python3-lgpio installed"

echo "== SPI (hx711-spi) and I2C (nau7802)"
# raspi-config's non-interactive mode: 0 means "enable". It edits config.txt for us,
# wherever this OS keeps it (/boot/firmware on Bookworm, /boot before).
REBOOT=0
if command -v raspi-config >/dev/null; then
    if [[ ! -e /dev/spidev0.0 ]]; then sudo raspi-config nonint do_spi 0; REBOOT=1; fi
    if [[ ! -e /dev/i2c-1 ]]; then sudo raspi-config nonint do_i2c 0; REBOOT=1; fi
else
    echo "raspi-config not found: add dtparam=spi=on and dtparam=i2c_arm=on to config.txt yourself"
fi

echo "== GPIO, SPI and I2C access for $USER_NAME"
for group in gpio spi i2c; do
    if ! getent group "$group" >/dev/null; then
        echo "there is no $group group on this system; skipped"
    elif id -nG "$USER_NAME" | tr ' ' '\n' | grep -qx "$group"; then
        echo "$USER_NAME is already in the $group group"
    else
        sudo adduser "$USER_NAME" "$group"
        echo "added $USER_NAME to the $group group: log out and back in (or reboot) first"
    fi
done

echo "== priority for the load cell's reader (trainer doctor: 'reader')"
# The acquisition process asks for SCHED_RR 10, else nice -10 (the service's unit grants
# both itself); pam_limits grants them to $USER_NAME's logins from the next one.
LIMITS=/etc/security/limits.d/pressure-trainer.conf
printf '%s\n' \
    "# Pressure Trainer (hardware/setup-pi.sh): the load cell's reader may run ahead of the screen." \
    "$USER_NAME - rtprio 10" \
    "$USER_NAME - nice -10" | sudo tee "$LIMITS" >/dev/null
echo "wrote $LIMITS: log out and back in for it to apply"

if [[ $SERVICE -eq 1 ]]; then
    echo "== systemd unit: the trainer on tty1 at boot"
    sed -e "s|@USER@|$USER_NAME|g" -e "s|@REPO@|$REPO|g" "$REPO/hardware/pressure-trainer.service" \
        | sudo tee /etc/systemd/system/pressure-trainer.service >/dev/null
    sudo systemctl daemon-reload
    sudo systemctl enable pressure-trainer.service
    echo "enabled; it starts at the next boot (or now: sudo systemctl start pressure-trainer)"
fi

if [[ $REBOOT -eq 1 ]]; then
    echo "SPI or I2C was just enabled: reboot before using them (sudo reboot)"
fi

cat <<DONE

Done. Next:
  $REPO/.venv/bin/trainer doctor      what is wired, pin timing, which backend to use
  $REPO/.venv/bin/trainer calibrate   two minutes with a known mass
  $REPO/.venv/bin/trainer run         practise
DONE
