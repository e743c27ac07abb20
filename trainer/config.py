"""The trainer's hardware settings: one TOML file, every key optional.

The file lives in the platform's config folder (``config.toml``); ``$TRAINER_CONFIG``
names another. A missing file means the defaults (an HX711 on BCM 5 and 6 at 80 samples
per second, a 50 kg cell, no LEDs, buzzer or buttons). A bad value is a
:class:`ConfigError` whose message names the key and the fix.

Example file::

    [sensor]
    backend = "hx711-gpio"   # hx711-gpio ("hx711"), hx711-spi, nau7802 or hx711-iio
    i2c_bus = 1               # nau7802: /dev/i2c-1
    spi_bus = 0               # hx711-spi: /dev/spidev0.0
    spi_device = 0
    power_down_between_sessions = false   # hx711-spi: hold PD_SCK (GPIO10) high between
                                          # sessions (hardware/README.md: needs pinctrl)

    [hx711]                   # the load cell's settings, whichever ADC reads it
    data_pin = 5          # DT / DOUT (hx711-gpio): a BCM number, "GPIO5" or "BOARD29"
    clock_pin = 6         # SCK / PD_SCK (hx711-gpio)
    rate_hz = 80          # HX711: 80 with the RATE pin high, 10 low; NAU7802: 10-320
    channel = "A"         # A (gain 128 or 64) or B (gain 32); the NAU7802 reads A (1-128)
    gain = 128
    capacity_kg = 50      # the load cell's rated capacity
    acquisition = "process"   # read the chip in a process of its own, or "thread"

    [feedback]
    led_below = 17
    led_in = 27
    led_above = 22
    buzzer = 23
    button_start = 24     # start / pause
    button_tare = 25

    [display]
    fps = 15              # live screen redraws per second (default: by Pi model)

Example::

    config = load_config()
    print(config.hx711.data_pin, config.calibration_path)
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.safe_text import has_control, quote
from trainer.sensors.base import SensorError

CONFIG_ENV = "TRAINER_CONFIG"
CALIBRATION_ENV = "TRAINER_CALIBRATION"
STANDARD_GRAVITY = 9.80665
#: the chip's two conversion rates, set by its RATE pin
HX711_RATES_HZ = (10, 80)
#: channel -> gains the HX711 offers on it
CHANNEL_GAINS: dict[str, tuple[int, ...]] = {"A": (128, 64), "B": (32,)}
#: BCM numbers of the GPIO pins on a Raspberry Pi's 40-pin header
BCM_PINS = range(28)
#: header pin (BOARD numbering) -> BCM number, the same on every 40-pin Pi
BOARD_TO_BCM = {
    3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24,
    19: 10, 21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12,
    33: 13, 35: 19, 36: 16, 37: 26, 38: 20, 40: 21,
}  # fmt: skip
#: the header pins that are not GPIOs
BOARD_POWER = {1: "3.3 V", 17: "3.3 V", 2: "5 V", 4: "5 V"} | dict.fromkeys(
    (6, 9, 14, 20, 25, 30, 34, 39), "ground"
)
#: the sensor backends a config file may name (``hx711`` is the older name of hx711-gpio)
SENSOR_BACKENDS = ("hx711-gpio", "hx711-spi", "nau7802", "hx711-iio")
BACKEND_ALIASES = {"hx711": "hx711-gpio"}
#: the NAU7802's rates and gains
NAU7802_RATES_HZ = (10, 20, 40, 80, 320)
NAU7802_GAINS = (1, 2, 4, 8, 16, 32, 64, 128)
#: GPIOs a backend takes for its bus: no other part may use them
BUS_PINS = {"hx711-spi": {9: "SPI0 MISO", 10: "SPI0 MOSI", 11: "SPI0 SCLK"}, "nau7802": {2: "I2C SDA", 3: "I2C SCL"}}  # fmt: skip

Pin = int | str


class ConfigError(SensorError):
    """The config file cannot be used; the message names the key and the fix."""


@dataclass(frozen=True, slots=True)
class HX711Config:
    """Where the HX711 is wired and how it converts."""

    data_pin: Pin = 5
    clock_pin: Pin = 6
    rate_hz: int = 80
    channel: str = "A"
    gain: int = 128
    capacity_kg: float = 50.0
    #: where the reader runs while the live screen is up (hardware/README.md, measured)
    acquisition: str = "process"

    @property
    def capacity_n(self) -> float:
        return self.capacity_kg * STANDARD_GRAVITY


@dataclass(frozen=True, slots=True)
class SensorConfig:
    """Which backend reads the load cell, and on which bus."""

    backend: str = "hx711-gpio"
    i2c_bus: int = 1
    spi_bus: int = 0
    spi_device: int = 0
    #: hx711-spi: GPIO10 held high between sessions, so the chip powers down
    power_down_between_sessions: bool = False

    @property
    def adc(self) -> str:
        """The converter chip: "hx711" or "nau7802" (a calibration belongs to one)."""
        return "nau7802" if self.backend == "nau7802" else "hx711"


@dataclass(frozen=True, slots=True)
class FeedbackConfig:
    """Optional LEDs, buzzer and buttons on the Pi; ``None`` means not fitted."""

    led_below: Pin | None = None
    led_in: Pin | None = None
    led_above: Pin | None = None
    buzzer: Pin | None = None
    button_start: Pin | None = None
    button_tare: Pin | None = None

    @property
    def any_fitted(self) -> bool:
        return any(getattr(self, name) is not None for name in self.__slots__)

    def pins(self) -> dict[str, Pin]:
        """Every fitted part and its pin."""
        return {
            name: value for name in self.__slots__ if (value := getattr(self, name)) is not None
        }


#: the live screen's frame rates a user may set
FPS_RANGE = (1.0, 60.0)


@dataclass(frozen=True, slots=True)
class DisplayConfig:
    """The live screen on this machine; ``fps`` None means the Pi model's default."""

    fps: float | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything in the config file, plus where it came from."""

    hx711: HX711Config = field(default_factory=HX711Config)
    sensor: SensorConfig = field(default_factory=SensorConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    path: Path | None = None  # the file read, None when it did not exist
    calibration_file: Path | None = None  # as written in the file, if at all
    class_file: Path | None = None  # the class station file this pad joins (trainer run)

    @property
    def calibration_path(self) -> Path:
        """``$TRAINER_CALIBRATION``, the file's ``calibration_file``, or next to the config."""
        override = os.environ.get(CALIBRATION_ENV)
        if override:
            return Path(override)
        if self.calibration_file is not None:
            return self.calibration_file
        return default_config_path().parent / "calibration.json"


def default_config_path() -> Path:
    """``$TRAINER_CONFIG`` if set, else ``config.toml`` in the platform's config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("pressure-trainer", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file; defaults where it is silent or absent."""
    path = path or default_config_path()
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(
            f"cannot read the config file {path} ({error.strerror}); fix its permissions or "
            f"set {CONFIG_ENV} to another file"
        ) from None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the config file {path} is not UTF-8 text (byte 0x{content[error.start]:02x} at "
            f"position {error.start}); save it as UTF-8, or delete it to use the defaults"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"the config file {path} is not valid TOML ({error}); correct that line or delete "
            "the file to use the defaults"
        ) from None
    except RecursionError:
        raise ConfigError(
            f"the config file {path} nests arrays or tables too deeply to be a config; "
            "correct it or delete it to use the defaults"
        ) from None
    except ValueError as error:  # an integer of more than 4300 digits
        raise ConfigError(
            f"the config file {path} holds a number too long to read ({error}); correct it"
        ) from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate the parsed TOML; raise :class:`ConfigError` naming the first bad key."""
    where = str(path) if path else "the config"
    unknown = set(data) - {
        "sensor",
        "hx711",
        "feedback",
        "display",
        "calibration_file",
        "class_file",
    }
    if unknown:
        raise ConfigError(
            f"{where} has an unknown section or key {quote(sorted(unknown)[0])}; "
            "use [sensor], [hx711], [feedback], [display], calibration_file and class_file only"
        )
    sensor = _sensor(_table(data, "sensor", where), where)
    hx = _table(data, "hx711", where)
    fb = _table(data, "feedback", where)
    shown = _table(data, "display", where)
    _no_unknown(hx, HX711Config.__slots__, "hx711", where)
    _no_unknown(fb, FeedbackConfig.__slots__, "feedback", where)
    _no_unknown(shown, DisplayConfig.__slots__, "display", where)
    fps = shown.get("fps")
    low, high = FPS_RANGE
    if fps is not None and (
        isinstance(fps, bool) or not isinstance(fps, int | float) or not low <= fps <= high
    ):
        raise ConfigError(
            f"{where}: display.fps is {quote(fps)}; set it to the live screen's redraws per second "
            f"from {low:g} to {high:g}, e.g. 15, or leave it out for the Pi model's default"
        )

    defaults = HX711Config()
    rate = hx.get("rate_hz", defaults.rate_hz)
    if sensor.adc == "nau7802":
        if isinstance(rate, bool) or rate not in NAU7802_RATES_HZ:
            raise ConfigError(
                f"{where}: hx711.rate_hz is {quote(rate)}, but the NAU7802 converts at 10, 20, 40, "
                "80 or 320 per second; set rate_hz = 80"
            )
    elif isinstance(rate, bool) or rate not in HX711_RATES_HZ:
        raise ConfigError(
            f"{where}: hx711.rate_hz is {quote(rate)}, but the HX711 converts at 10 or 80 per second; "
            "set rate_hz = 80 (RATE pin high) or 10 (RATE pin low)"
        )
    channel = hx.get("channel", defaults.channel)
    if not isinstance(channel, str) or channel.upper() not in CHANNEL_GAINS:
        raise ConfigError(f'{where}: hx711.channel is {quote(channel)}; set channel = "A" or "B"')
    channel = channel.upper()
    gain = hx.get("gain", CHANNEL_GAINS[channel][0])
    if sensor.adc == "nau7802":
        if channel != "A":
            raise ConfigError(
                f'{where}: the NAU7802 backend reads channel A (its input 1); set channel = "A"'
            )
        if isinstance(gain, bool) or gain not in NAU7802_GAINS:
            raise ConfigError(
                f"{where}: hx711.gain {quote(gain)} is not one of the NAU7802's gains; set gain = "
                "128 (or 1, 2, 4, 8, 16, 32, 64)"
            )
    elif isinstance(gain, bool) or gain not in CHANNEL_GAINS[channel]:
        allowed = " or ".join(str(g) for g in CHANNEL_GAINS[channel])
        raise ConfigError(
            f"{where}: hx711.gain {quote(gain)} is not available on channel {channel}; "
            f"set gain = {allowed}"
        )
    capacity = hx.get("capacity_kg", defaults.capacity_kg)
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int | float)
        or not 0.1 <= capacity <= 2000  # compared exactly: a huge int never reaches float()
        or not math.isfinite(capacity)
    ):
        raise ConfigError(
            f"{where}: hx711.capacity_kg is {quote(capacity)}; set it to the load cell's rated "
            "capacity in kilograms, e.g. 20 or 50"
        )
    acquisition = hx.get("acquisition", defaults.acquisition)
    if acquisition not in ("process", "thread"):
        raise ConfigError(
            f'{where}: hx711.acquisition is {quote(acquisition)}; set acquisition = "process" '
            '(recommended) or "thread"'
        )
    hx711 = HX711Config(
        data_pin=_pin(hx.get("data_pin", defaults.data_pin), "hx711.data_pin", where),
        clock_pin=_pin(hx.get("clock_pin", defaults.clock_pin), "hx711.clock_pin", where),
        rate_hz=int(rate),
        channel=channel,
        gain=int(gain),
        capacity_kg=float(capacity),
        acquisition=acquisition,
    )
    feedback = FeedbackConfig(
        **{name: _pin(value, f"feedback.{name}", where) for name, value in fb.items()}
    )
    used: dict[int, str] = {
        bcm: f"the {sensor.backend} backend's {what}"
        for bcm, what in BUS_PINS.get(sensor.backend, {}).items()
    }
    pins: dict[str, Pin] = {}
    if sensor.backend == "hx711-gpio":
        pins = {"hx711.data_pin": hx711.data_pin, "hx711.clock_pin": hx711.clock_pin}
    pins |= {f"feedback.{name}": pin for name, pin in feedback.pins().items()}
    for key, pin in pins.items():
        bcm = bcm_number(pin)
        if bcm in used:
            raise ConfigError(
                f"{where}: {key} and {used[bcm]} are both on GPIO{bcm}; give each part its own pin"
            )
        used[bcm] = key
    calibration_file = data.get("calibration_file")
    if calibration_file is not None and not (
        isinstance(calibration_file, str) and calibration_file.strip()
    ):
        raise ConfigError(
            f"{where}: calibration_file must be a file path in quotes, e.g. "
            '"/home/pi/calibration.json"'
        )
    class_file = data.get("class_file")
    if class_file is not None and not (isinstance(class_file, str) and class_file.strip()):
        raise ConfigError(
            f"{where}: class_file must be a station file's path in quotes, e.g. "
            '"/home/pi/class.toml" (from `trainer class setup`)'
        )
    return Config(
        hx711=hx711,
        sensor=sensor,
        feedback=feedback,
        display=DisplayConfig(fps=float(fps) if fps is not None else None),
        path=path,
        calibration_file=Path(calibration_file).expanduser() if calibration_file else None,
        class_file=Path(class_file).expanduser() if class_file else None,
    )


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {name} must be a section written [{name}]")
    return table


def _no_unknown(table: dict[str, Any], known: tuple[str, ...], section: str, where: str) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: [{section}] has no setting {quote(unknown[0])}; the settings are "
            + ", ".join(known)
        )


def _sensor(table: dict[str, Any], where: str) -> SensorConfig:
    _no_unknown(table, SensorConfig.__slots__, "sensor", where)
    defaults = SensorConfig()
    backend = table.get("backend", defaults.backend)
    backend = BACKEND_ALIASES.get(backend, backend) if isinstance(backend, str) else backend
    if backend not in SENSOR_BACKENDS:
        raise ConfigError(
            f"{where}: sensor.backend is {quote(table.get('backend'))}; set backend = "
            + ", ".join(f'"{name}"' for name in SENSOR_BACKENDS[:-1])
            + f" or \"{SENSOR_BACKENDS[-1]}\" ('trainer doctor' says which is wired)"
        )
    numbers: dict[str, int] = {}
    for key in ("i2c_bus", "spi_bus", "spi_device"):
        value = table.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
            raise ConfigError(
                f"{where}: sensor.{key} is {quote(value)}; give the number in its /dev name "
                "(/dev/i2c-1 is i2c_bus = 1, /dev/spidev0.0 is spi_bus = 0, spi_device = 0)"
            )
        numbers[key] = value
    power_down = table.get("power_down_between_sessions", defaults.power_down_between_sessions)
    if not isinstance(power_down, bool):
        raise ConfigError(
            f"{where}: sensor.power_down_between_sessions is {quote(power_down)}; set it to "
            "true or false"
        )
    if power_down and numbers["spi_bus"] != 0:
        raise ConfigError(
            f"{where}: sensor.power_down_between_sessions needs spi_bus = 0 (PD_SCK on "
            "GPIO10); set spi_bus = 0 or power_down_between_sessions = false"
        )
    return SensorConfig(backend=backend, power_down_between_sessions=power_down, **numbers)


def _pin(value: object, key: str, where: str) -> Pin:
    """A BCM number (0-27) or a pin name such as ``"GPIO17"`` or ``"BOARD11"``, checked."""
    if isinstance(value, str):
        value = value.strip()
    if (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value and len(value) <= 20 and not has_control(value)
    ):
        try:
            bcm_number(value)
        except ValueError as error:
            raise ConfigError(f"{where}: {key} is {quote(value)}: {error}") from None
        return value
    raise ConfigError(
        f"{where}: {key} is {quote(value)}; give a BCM GPIO number from 0 to 27 "
        '(or a name such as "GPIO17"), or leave it out if nothing is fitted'
    )


def bcm_number(pin: Pin) -> int:
    """The BCM number of a pin written as 17, "17", "GPIO17", "BCM17", "BOARD11" or "J8:11".

    Raises ValueError with a sentence saying what is wrong and what to write instead.
    """
    if isinstance(pin, int):
        if pin in BCM_PINS:
            return pin
        raise ValueError("give a BCM GPIO number from 0 to 27")
    text = pin.strip().upper()
    for prefix, header in (
        ("GPIO", False),
        ("BCM", False),
        ("BOARD", True),
        ("J8:", True),
        ("", False),
    ):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            number = int(text[len(prefix) :])
            if not header:
                if number in BCM_PINS:
                    return number
                raise ValueError("give a BCM GPIO number from 0 to 27")
            if number in BOARD_TO_BCM:
                return BOARD_TO_BCM[number]
            if number in BOARD_POWER:
                raise ValueError(
                    f"header pin {number} is {BOARD_POWER[number]}, not a GPIO; choose a GPIO pin"
                )
            raise ValueError("the 40-pin header has pins 1 to 40; choose a GPIO pin")
    raise ValueError(
        'not a pin name; write a BCM number (5), "GPIO5", or the header pin as "BOARD29"'
    )
