"""``trainer calibrate`` and ``trainer doctor``: the load cell's setup commands.

Imported by every ``trainer`` invocation to register the subcommands, so nothing heavy
(gpiozero, textual) is imported here until a handler runs.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from trainer.cli.common import add_command, add_sensor_option

if TYPE_CHECKING:
    from trainer.calibration import CalibrationProcedure
    from trainer.config import Config
    from trainer.sensors.loadcell import LoadCellSensor

EXIT_OK, EXIT_FAILED = 0, 1
T = TypeVar("T")
#: what to do where Python cannot make the HX711's clock pulses short enough
SPI_FIX = (
    'set backend = "hx711-spi" in [sensor] and wire PD_SCK to MOSI (GPIO10, pin 19), DOUT to '
    "MISO (GPIO9, pin 21); or use a NAU7802 (hardware/README.md)"
)


def register(subparsers: Any) -> None:
    """Add ``calibrate`` and ``doctor`` to the ``trainer`` command."""
    calibrate = add_command(subparsers, "calibrate", cmd_calibrate)
    calibrate.add_argument(
        "--plain",
        action="store_true",
        help="ask the questions line by line instead of the full-screen wizard",
    )
    calibrate.add_argument(
        "--sim",
        action="store_true",
        help="practise on a simulated load cell (no hardware); saves to a practice file",
    )
    calibrate.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="with --sim: where the practice calibration is saved "
        "(default calibration-practice.json beside the real one)",
    )
    calibrate.add_argument(
        "--average",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="seconds of readings each measurement averages (default 2)",
    )
    add_sensor_option(calibrate, "read the load cell")

    doctor = add_command(subparsers, "doctor", cmd_doctor)
    doctor.add_argument(
        "--seconds",
        type=float,
        default=2.0,
        help="how long to measure the data rate and noise (default 2)",
    )
    add_sensor_option(doctor, "check the load cell")


# -- calibrate ---------------------------------------------------------------------------


def open_uncalibrated(config: Config) -> LoadCellSensor:
    """The configured load cell, opened and answering (raw counts only)."""
    from trainer.sensors.configured import open_load_cell

    return open_load_cell(config)


def make_procedure(
    config: Config, sensor: LoadCellSensor, average_s: float = 2.0
) -> CalibrationProcedure:
    """The wizard's steps reading this sensor, each averaging ``average_s`` of readings."""
    from trainer.calibration import CalibrationProcedure

    hx = config.hx711
    timeout = 2 * float(getattr(sensor, "ready_timeout_s", 0.5))

    def read_raw() -> int:
        # A calibration is not in a hurry: ride out a hiccup of a busy Pi (a few tenths
        # of a second without data) before telling the user the cell stopped answering.
        from trainer.sensors.base import SensorError

        for attempt in range(3):
            try:
                return sensor.read_raw(timeout=timeout)
            except SensorError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return CalibrationProcedure(
        read_raw,
        capacity_n=hx.capacity_n,
        rate_hz=hx.rate_hz,
        channel=hx.channel,
        gain=hx.gain,
        window=max(5, round(average_s * hx.rate_hz)),
        adc=config.sensor.adc,
    )


def cmd_calibrate(args: argparse.Namespace) -> int:
    """calibrate the load cell with a known mass (guided, about two minutes)

    Calibrate the load cell: tare the empty pad, place a known mass, verify with a second mass
    (or the same again), save. Needs the load cell's converter (an HX711 or a NAU7802, as the
    config file's [sensor] backend says) wired to the Pi.
    """
    from trainer.config import load_config

    if not 0.1 <= args.average <= 30:
        from trainer.cli.common import UsageError

        raise UsageError("--average must be between 0.1 and 30 seconds")
    from trainer.sensors.configured import with_backend

    config = with_backend(load_config(), args.sensor)
    if args.sim:
        return practise_calibration(config, args)
    sensor = open_uncalibrated(config)
    try:
        procedure = make_procedure(config, sensor, args.average)
        if args.plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
            return plain_wizard(procedure, config.calibration_path, sys.stdin, sys.stdout)
        from trainer.ui.calibrate import CalibrationWizard

        wizard = CalibrationWizard(procedure, config.calibration_path)
        wizard.run()
        return EXIT_OK if wizard.saved else EXIT_FAILED
    finally:
        sensor.close()


def practise_calibration(config: Config, args: argparse.Namespace) -> int:
    """The calibration wizard on a simulated load cell, saved to a practice file."""
    from trainer.calibration_practice import practice_procedure

    path = args.output or config.calibration_path.with_name("calibration-practice.json")
    if path.resolve() == config.calibration_path.resolve():
        from trainer.cli.common import UsageError

        raise UsageError("--output must not be the real calibration file: choose another name")
    procedure = practice_procedure(
        capacity_n=config.hx711.capacity_n,
        rate_hz=config.hx711.rate_hz,
        window=max(5, round(args.average * config.hx711.rate_hz)),
    )
    if args.plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "Practice: a simulated load cell, no hardware. The pad carries the mass you type; "
            f"the result is saved to {path}, the real calibration is untouched."
        )
        return plain_wizard(procedure, path, sys.stdin, sys.stdout, practice=True)
    from trainer.ui.calibrate import CalibrationWizard

    wizard = CalibrationWizard(procedure, path, practice=True)
    wizard.run()
    return EXIT_OK if wizard.saved else EXIT_FAILED


class Cancelled(Exception):
    """The user typed q or closed the input."""


def _ask(prompt: str, stdin: TextIO, out: TextIO) -> str:
    out.write(prompt)
    out.flush()
    line = stdin.readline()
    if not line:
        raise Cancelled
    answer = line.strip()
    if answer.lower() in ("q", "quit"):
        raise Cancelled
    return answer


def plain_wizard(
    procedure: CalibrationProcedure,
    path: Path,
    stdin: TextIO,
    out: TextIO,
    *,
    practice: bool = False,
) -> int:
    """The calibration wizard as questions and answers on a plain terminal.

    ``practice``: a simulated cell's calibration, saved where ``trainer run`` never reads it.
    """
    from trainer.calibration import (
        STANDARD_GRAVITY,
        NotSteady,
        describe_mass,
        parse_mass_kg,
        save_calibration,
    )
    from trainer.sensors.base import SensorError

    def say(text: str = "") -> None:
        print(text, file=out)

    def ask_mass(prompt: str, allow_skip: bool = False) -> float | None:
        while True:
            answer = _ask(prompt, stdin, out)
            if not answer and allow_skip:
                return None
            try:
                kg = parse_mass_kg(answer)
            except ValueError as error:
                say(f"  {error}")
                continue
            if kg * STANDARD_GRAVITY > procedure.capacity_n:
                say(
                    f"  {describe_mass(kg)} is more than the cell's capacity "
                    f"({procedure.capacity_n / STANDARD_GRAVITY:g} kg); use a lighter mass"
                )
                continue
            return kg

    def measured(seconds: float, hint: str, step: Callable[..., T], *mass_kg: float) -> T | None:
        """``step(*mass_kg)``, saying how long it measures; None (saying why) if not steady."""
        say(f"  Measuring for {seconds:.0f} s: {hint}...")
        try:
            return step(*mass_kg)
        except NotSteady as error:
            say(f"  Not steady: {error}.")
            return None

    seconds = max(1.0, procedure.window / procedure.rate_hz)
    say("Load cell calibration. Type q at any question to stop without saving.")
    try:
        say()
        say("Step 1 of 4: tare. Take everything off the pad and keep your hands away.")
        while True:
            _ask("Press Enter when the pad is empty. ", stdin, out)
            zero = measured(2 * seconds, "keep your hands away", procedure.tare)
            if zero is None:
                continue
            say(f"  Zero: {zero.mean_counts:.0f} counts, noise {zero.sd_counts:.0f} counts.")
            break

        say()
        say("Step 2 of 4: place a known mass in the middle of the pad (a bag of sugar, a")
        say("kitchen weight; the heavier the better, up to the cell's capacity).")
        while True:
            mass = ask_mass("Its mass, with the unit (e.g. '2 kg' or '500 g'): ")
            assert mass is not None
            scale = measured(seconds, "do not touch the pad", procedure.place_mass, mass)
            if scale is None:
                continue
            assert procedure.zero is not None
            noise_n = procedure.zero.sd_counts / abs(scale)
            say(f"  Scale: {scale:.1f} counts per newton; noise {noise_n:.3f} N.")
            break

        say()
        say("Step 3 of 4: verify. Lift the mass off and put it back (or use a second")
        say("mass) to check repeatability or linearity.")
        while True:
            verify = ask_mass(
                "Mass now on the pad (e.g. '1 kg'), or Enter to skip: ", allow_skip=True
            )
            if verify is None:
                say("  Skipped.")
                break
            error_n = measured(seconds, "do not touch the pad", procedure.verify, verify)
            if error_n is None:
                continue
            expected = verify * STANDARD_GRAVITY
            what = "repeatability" if verify == procedure.mass_kg else "linearity"
            say(
                f"  Reads {expected + error_n:.2f} N for {describe_mass(verify)} "
                f"({expected:.2f} N): {what} error {error_n:+.2f} N "
                f"({100 * abs(error_n) / expected:.1f} %)."
            )
            break

        calibration = procedure.result()
        say()
        answer = _ask(f"Step 4 of 4: save the calibration to {path}? [Y/n] ", stdin, out)
        if answer.lower() not in ("", "y", "yes"):
            say("Not saved; the previous calibration (if any) is unchanged.")
            return EXIT_FAILED
        save_calibration(calibration, path)
        if practice:
            say(
                "Saved (practice only: 'trainer run' keeps the real calibration). On the Pi, "
                "'trainer calibrate' without --sim calibrates the real load cell."
            )
        else:
            say("Saved. Forces are now in newtons: start with 'trainer run'.")
        return EXIT_OK
    except Cancelled:
        say()
        say("Calibration stopped; nothing saved.")
        return EXIT_FAILED
    except SensorError as error:
        say()
        say(f"The load cell stopped answering ({error}); nothing saved.")
        return EXIT_FAILED


# -- doctor --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the doctor's report."""

    name: str
    status: str  # "ok", "warn", "FAIL" or "skip"
    detail: str
    fix: str = ""


def cmd_doctor(args: argparse.Namespace) -> int:
    """check the Pi's load cell setup and say what to fix

    Check what is wired (SPI, I2C, IIO, GPIO), how fast this Pi's pin writes are and which
    backend suits it, the load cell's chip, its data rate and noise, the calibration and the
    feedback parts; print what to do about each problem. Keep the pad empty.
    """
    if not 0.2 <= args.seconds <= 60:
        from trainer.cli.common import UsageError

        raise UsageError("--seconds must be between 0.2 and 60")
    checks = run_doctor(args.seconds, args.sensor)
    print_checks(checks, sys.stdout)
    return EXIT_FAILED if any(c.status == "FAIL" for c in checks) else EXIT_OK


def print_checks(checks: list[Check], out: TextIO) -> None:
    print("Pressure Trainer doctor (keep the pad empty while it measures)", file=out)
    for check in checks:
        print(f"  {check.status:<5} {check.name:<12} {check.detail}", file=out)
        if check.fix:
            print(f"  {'':<5} {'':<12} fix: {check.fix}", file=out)
    failed = sum(c.status == "FAIL" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    if failed:
        print(f"{failed} problem{'s' if failed > 1 else ''} to fix (see 'fix:' above).", file=out)
    elif warned:
        print("Everything works; see the warnings above.", file=out)
    else:
        print("Everything works.", file=out)


def run_doctor(seconds: float = 2.0, backend_name: str | None = None) -> list[Check]:
    """Every check, in order; later ones are skipped when an earlier one makes them moot.

    ``backend_name`` (``--sensor``) checks that backend instead of the config's.
    """
    from trainer.calibration import STALE_AFTER_DAYS, Calibration, load_calibration
    from trainer.config import ConfigError, default_config_path, load_config
    from trainer.sensors.base import SensorError

    checks: list[Check] = []
    from trainer.sensors.configured import with_backend

    try:
        config = with_backend(load_config(), backend_name)
    except ConfigError as error:
        return [Check("config", "FAIL", str(error), "correct the file, or delete it for defaults")]
    hx, backend = config.hx711, config.sensor.backend
    where = f"{config.path}" if config.path else f"no {default_config_path()}, so the defaults"
    pins = f"DT {_pin(hx.data_pin)}, SCK {_pin(hx.clock_pin)}, " if backend == "hx711-gpio" else ""
    reader = f", reader in a {hx.acquisition}" if backend == "hx711-gpio" else ""
    checks.append(
        Check(
            "config",
            "ok",
            f"{where}: backend {backend}, {pins}{hx.rate_hz}/s, channel {hx.channel} gain "
            f"{hx.gain}, {hx.capacity_kg:g} kg cell{reader}",
        )
    )

    calibration: Calibration | None = None
    try:
        calibration = load_calibration(config.calibration_path)
    except SensorError as error:
        checks.append(
            Check("calibration", "FAIL", str(error).split(";")[0], "run 'trainer calibrate'")
        )
    else:
        age = calibration.age_days()
        detail = (
            f"{calibration.created:%Y-%m-%d} ({age:.0f} days old), "
            f"{calibration.scale_counts_per_n:.1f} counts/N, noise {calibration.noise_n:.3f} N"
        )
        if not calibration.matches(hx.channel, hx.gain, config.sensor.adc):
            made = f"channel {calibration.channel} gain {calibration.gain}"
            said = f"{hx.channel} {hx.gain}"
            if calibration.adc != config.sensor.adc:
                made = f"the {calibration.adc.upper()}, {made}"
                said = f"the {config.sensor.adc.upper()}, {said}"
            checks.append(
                Check(
                    "calibration",
                    "FAIL",
                    f"made on {made}, but the config says {said}",
                    "run 'trainer calibrate' again",
                )
            )
        elif age > STALE_AFTER_DAYS:
            checks.append(Check("calibration", "warn", detail, "recalibrate: 'trainer calibrate'"))
        else:
            checks.append(Check("calibration", "ok", detail))

    factory, gpio = _gpio_check()
    checks.append(gpio)
    timing = None
    if factory is not None and backend == "hx711-gpio":
        timing, check = _pin_timing_check(factory, hx.clock_pin)
        checks.append(check)
    checks.append(_wiring_check(config, timing))
    if backend == "hx711-gpio" and hx.acquisition == "process":
        checks.append(_reader_priority_check())
    if backend == "hx711-spi":
        checks.append(_power_down_check(config, factory))
    if backend == "hx711-gpio" and factory is None:
        checks.append(Check("chip", "skip", "no GPIO access"))
        return checks

    checks.extend(_chip_checks(config, seconds, calibration))

    if config.feedback.any_fitted:
        if factory is None:
            checks.append(Check("feedback", "skip", "no GPIO access"))
            return checks
        from trainer.feedback import PiFeedback

        try:
            PiFeedback(config.feedback).close()
        except SensorError as error:
            checks.append(
                Check("feedback", "FAIL", str(error).split(";")[0], str(error).split("; ")[-1])
            )
        else:
            parts = ", ".join(f"{k} {v}" for k, v in config.feedback.pins().items())
            checks.append(Check("feedback", "ok", parts))
    return checks


def _gpio_check() -> tuple[Any, Check]:
    """gpiozero's pin factory (None if unusable) and the line saying which chip it opened."""
    import warnings

    from trainer.sensors.base import SensorError
    from trainer.sensors.hx711.factory import _pin_factory, gpio_chip

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            factory = _pin_factory()
        except SensorError as error:
            return None, Check("GPIO", "FAIL", str(error).split(";")[0], _gpio_fix())
    chip = gpio_chip(factory)
    opened = f", {chip} opened" if chip else ""
    return factory, Check("GPIO", "ok", f"pins through {type(factory).__name__}{opened}")


def _pin_timing_check(factory: Any, clock_pin: int | str) -> tuple[Any, Check]:
    """Time this Pi's pin writes on the clock pin: will bit-banging hold the 60 us bound?"""
    from trainer.sensors.detect import time_pin_writes
    from trainer.sensors.hx711.protocol import SAFE_CLOCK_HIGH_S

    try:
        timing = time_pin_writes(factory, clock_pin)
    except Exception as error:  # the pin library's own errors: busy pin, bad number
        return None, Check(
            "pin timing",
            "FAIL",
            f"cannot time writes on {_pin(clock_pin)} ({error})",
            "stop the other program using the pin, or check clock_pin in the config file",
        )
    if timing.holds:
        return timing, Check("pin timing", "ok", f"{timing.summary()}: bit-banging holds")
    status = "FAIL" if timing.pulse_p50_s > SAFE_CLOCK_HIGH_S else "warn"
    return timing, Check(
        "pin timing",
        status,
        timing.summary(),
        f"bit-banging is too slow on this Pi: {SPI_FIX}",
    )


def _reader_priority_check() -> Check:
    """What priority the acquisition process would get here, and how to grant it more."""
    from trainer.sensors.priority import probe_priority

    priority = probe_priority()
    detail = f"the acquisition process would read at {priority.describe()}"
    if priority.policy == "SCHED_RR":
        return Check("reader", "ok", detail)
    return Check(
        "reader",
        "warn",
        f"{detail}: a busy screen may cost it conversions",
        "run the trainer as the service ('hardware/setup-pi.sh --service', which grants "
        "LimitRTPRIO), or allow your user real-time priority ('hardware/setup-pi.sh' writes "
        "/etc/security/limits.d/pressure-trainer.conf) and log in again",
    )


def _power_down_check(config: Config, factory: Any) -> Check:
    """hx711-spi: does the chip power down between sessions, and can it here?"""
    from trainer.sensors.hx711.spi import MOSI_PINS, pinctrl_path

    if not config.sensor.power_down_between_sessions:
        return Check(
            "power-down",
            "ok",
            "between sessions: off (the HX711 keeps converting, about 1.5 mA; "
            "power_down_between_sessions = true in [sensor] holds PD_SCK high)",
        )
    gpio, function = MOSI_PINS[config.sensor.spi_bus]
    tool = pinctrl_path()
    if tool is None:
        return Check(
            "power-down",
            "warn",
            f"between sessions: on, but there is no pinctrl tool to give GPIO{gpio} back to "
            "SPI, so the pin is not taken and the HX711 keeps converting",
            "install it (sudo apt install raspi-utils), or set power_down_between_sessions = false",
        )
    if factory is None:
        return Check(
            "power-down",
            "warn",
            f"between sessions: on, but GPIO{gpio} cannot be taken (no GPIO access), so the "
            "HX711 keeps converting",
            _gpio_fix(),
        )
    return Check(
        "power-down",
        "ok",
        f"between sessions: on: GPIO{gpio} (PD_SCK) is held high through "
        f"{type(factory).__name__} after each session, and given back to SPI at the next "
        f"with '{tool} set {gpio} {function}' (the chip wakes reset to A/128)",
    )


def _wiring_check(config: Config, timing: Any) -> Check:
    """What is wired for each backend, and the one to use."""
    from trainer.sensors.detect import detect_wiring, recommend

    wired = detect_wiring()
    seen = []
    seen.append(", ".join(wired.spi_devices) if wired.spi_devices else "no SPI device")
    if wired.nau7802_buses:
        seen.append(f"a NAU7802 at 0x2A on /dev/i2c-{wired.nau7802_buses[0]}")
    elif wired.i2c_buses:
        seen.append(wired.i2c_note or f"nothing at 0x2A on {', '.join(wired.i2c_buses)}")
    else:
        seen.append("no I2C bus")
    seen.append("the IIO hx711 device" if wired.iio_device else "no IIO hx711 device")
    seen.append(", ".join(wired.gpio_chips) if wired.gpio_chips else "no GPIO chip")
    backend = config.sensor.backend
    best, why = recommend(wired, timing)
    detail = "; ".join(seen) + f". Recommended: {best} ({why})"
    missing = {
        "hx711-spi": (
            not any(
                d.endswith(f"spidev{config.sensor.spi_bus}.{config.sensor.spi_device}")
                for d in wired.spi_devices
            ),
            "enable SPI: dtparam=spi=on in /boot/firmware/config.txt (hardware/setup-pi.sh), "
            "then reboot",
        ),
        "nau7802": (
            config.sensor.i2c_bus not in wired.nau7802_buses,
            "connect the NAU7802 (Qwiic: 3.3 V, GND, SDA GPIO2, SCL GPIO3) and enable I2C: "
            "dtparam=i2c_arm=on (hardware/setup-pi.sh)",
        ),
        "hx711-iio": (
            wired.iio_device is None,
            "build the kernel's hx711 module and load its overlay (hardware/README.md), or "
            "choose another backend",
        ),
    }
    absent, fix = missing.get(backend, (False, ""))
    if absent:
        return Check("wiring", "FAIL", detail, fix)
    if best != backend and backend == "hx711-gpio" and timing is not None and not timing.holds:
        return Check("wiring", "warn", detail, f'set backend = "{best}" in [sensor]')
    return Check("wiring", "ok", detail)


def _chip_checks(config: Config, seconds: float, calibration: Any) -> list[Check]:
    """Open the configured chip, then measure its data rate and noise."""
    from trainer.sensors.base import SensorError, SensorTooSlow
    from trainer.sensors.configured import load_cell_from_config, wiring

    # The doctor is patient: a board at 10/s configured as 80/s, or a busy Pi, must
    # still be measured rather than called disconnected.
    sensor = load_cell_from_config(config, zero_tracking=False, ready_timeout_s=1.0)
    chip, where = wiring(config)
    try:
        sensor.open()
    except SensorError as error:
        return [Check("chip", "FAIL", str(error).split(";")[0], str(error).split("; ")[-1])]
    try:
        try:
            sensor.read_raw(timeout=1.5)
        except SensorTooSlow:
            stats = sensor.stats
            return [
                Check(
                    "chip",
                    "FAIL",
                    f"an {chip} answers, but {stats.timing_glitches} of "
                    f"{stats.conversions} reads were discarded: clock high up to "
                    f"{1e6 * stats.worst_clock_high_s:.0f} us",
                    f"the clock pulses are too slow on this Pi: {SPI_FIX}",
                )
            ]
        except SensorError:
            return [
                Check("chip", "FAIL", f"no data from {_article(chip)} {where}", _wiring_fix(config))
            ]
        describe = sensor.describe()
        driver = describe.get("driver")
        extra = f" (driver: {driver})" if driver else ""
        checks = [Check("chip", "ok", f"{_article(chip)} answers {where}{extra}")]
        checks.extend(
            _measure(sensor, config.hx711.rate_hz, seconds, calibration, config.sensor.adc)
        )
        if config.sensor.backend == "hx711-gpio":
            checks.append(_glitch_check(sensor))
        return checks
    finally:
        sensor.close()


def _article(chip: str) -> str:
    return f"an {chip}" if chip.startswith("H") else f"a {chip}"


def _wiring_fix(config: Config) -> str:
    backend = config.sensor.backend
    if backend == "nau7802":
        return "check the Qwiic cable: 3.3 V, GND, SDA to GPIO2, SCL to GPIO3 (hardware/README.md)"
    if backend == "hx711-spi":
        return (
            "check VCC to 3.3 V, GND, DOUT to MISO (GPIO9, pin 21) and PD_SCK to MOSI "
            "(GPIO10, pin 19) (hardware/README.md wiring table)"
        )
    if backend == "hx711-iio":
        return "check the overlay's sck-gpios and dout-gpios and the wires (hardware/README.md)"
    return (
        "check VCC to 3.3 V, GND, DT and SCK (hardware/README.md wiring table) "
        "and the pin numbers in the config file"
    )


def _glitch_check(sensor: LoadCellSensor) -> Check:
    """How many reads the timing guard threw away while measuring, and the worst pulse."""
    stats = sensor.stats
    detail = (
        f"{stats.timing_glitches} of {stats.conversions} reads discarded by the timing guard; "
        f"longest clock-high {1e6 * stats.worst_clock_high_s:.0f} us (the chip powers down "
        "past 60 us)"
    )
    if stats.timing_glitches == 0:
        return Check("glitches", "ok", detail)
    share = stats.timing_glitches / max(stats.conversions, 1)
    return Check(
        "glitches",
        "warn" if share < 0.5 else "FAIL",
        detail,
        'close other busy programs; if it stays, set backend = "hx711-spi" in [sensor] '
        "(hardware/README.md)",
    )


def _pin(pin: int | str) -> str:
    return f"GPIO{pin}" if isinstance(pin, int) else pin


def _gpio_fix() -> str:
    return (
        "run on the Pi with python3-lgpio installed and your user in the gpio group "
        "(hardware/setup-pi.sh does both; log out and in after it)"
    )


def _measure(
    sensor: LoadCellSensor,
    rate_hz: int,
    seconds: float,
    calibration: Any,
    adc: str = "hx711",
) -> list[Check]:
    from trainer.sensors.base import SensorError

    counts: list[int] = []
    times: list[float] = []
    conversions: list[int] = []
    end = time.monotonic() + seconds
    problem: str | None = None
    while time.monotonic() < end or len(counts) < 3:
        try:
            counts.append(
                sensor.read_raw(timeout=2 * float(getattr(sensor, "ready_timeout_s", 0.5)))
            )
        except SensorError as error:
            problem = str(error).split(";")[0]
            break
        times.append(time.monotonic())
        conversions.append(sensor.stats.conversions)
    checks: list[Check] = []
    if problem is not None:
        checks.append(
            Check("data rate", "FAIL", f"the chip stopped answering: {problem}", "check the wires")
        )
        return checks
    # The typical period per conversion gives the chip's rate even on a Pi so busy that the
    # timing guard throws most reads away: a discarded read was still a conversion.
    periods = [
        (t1 - t0) / (c1 - c0)
        for (t0, c0), (t1, c1) in itertools.pairwise(zip(times, conversions, strict=True))
        if c1 > c0
    ]
    achieved = 1.0 / max(statistics.median(periods), 1e-9)
    converted = conversions[-1] - conversions[0]
    used_fraction = (len(counts) - 1) / max(converted, 1)
    detail = (
        f"{achieved:.1f} conversions/s (expected {rate_hz}); "
        f"{100 * used_fraction:.0f} % of reads usable"
    )
    if abs(achieved - rate_hz) <= 0.15 * rate_hz:
        if used_fraction >= 0.95:
            checks.append(Check("data rate", "ok", detail))
        else:
            checks.append(
                Check(
                    "data rate",
                    "warn",
                    detail,
                    "reads are being disturbed: close other busy programs on the Pi",
                )
            )
    elif adc == "hx711" and rate_hz == 80 and abs(achieved - 10) <= 2:
        checks.append(
            Check(
                "data rate",
                "FAIL",
                detail,
                "the board's RATE pin is low (10/s): connect RATE to VCC, or set rate_hz = 10",
            )
        )
    elif adc == "hx711" and rate_hz == 10 and abs(achieved - 80) <= 12:
        checks.append(
            Check("data rate", "FAIL", detail, "the board runs at 80/s: set rate_hz = 80")
        )
    elif 0.5 * rate_hz <= achieved < rate_hz:
        # Slower than the chip but not another rate: the Pi was too busy to read each one.
        checks.append(
            Check(
                "data rate",
                "warn",
                detail,
                "the Pi is too busy to read every conversion: close other busy programs "
                "and run the doctor again",
            )
        )
    else:
        checks.append(
            Check(
                "data rate",
                "FAIL",
                detail,
                "check the wiring and that no other program uses these pins",
            )
        )
    if len(counts) >= 3:
        sd = statistics.stdev(counts)
        if calibration is not None:
            noise_n = sd / abs(calibration.scale_counts_per_n)
            detail = (
                f"{sd:.0f} counts SD = {noise_n:.3f} N (at calibration {calibration.noise_n:.3f} N)"
            )
            if noise_n > max(3 * calibration.noise_n, 0.05):
                checks.append(
                    Check(
                        "noise",
                        "warn",
                        detail,
                        "keep the pad empty and still; if it stays high, check the load cell "
                        "wires and the board's ground",
                    )
                )
            else:
                checks.append(Check("noise", "ok", detail))
        else:
            checks.append(Check("noise", "ok", f"{sd:.0f} counts SD (calibrate to see newtons)"))
    return checks
