"""The hardware config file: defaults, overrides, and one clear sentence per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.config import (
    STANDARD_GRAVITY,
    Config,
    ConfigError,
    default_config_path,
    load_config,
    parse_config,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_documented_defaults(isolated_user_files: Path) -> None:
    config = load_config()
    assert config == Config()
    assert (config.hx711.data_pin, config.hx711.clock_pin, config.hx711.rate_hz) == (5, 6, 80)
    assert (config.hx711.channel, config.hx711.gain) == ("A", 128)
    assert config.hx711.acquisition == "process"
    assert config.hx711.capacity_n == pytest.approx(50 * STANDARD_GRAVITY)
    assert not config.feedback.any_fitted


def test_trainer_config_names_the_file(isolated_user_files: Path) -> None:
    assert default_config_path() == isolated_user_files / "config.toml"
    write(isolated_user_files / "config.toml", "[hx711]\nrate_hz = 10\n")
    assert load_config().hx711.rate_hz == 10


def test_the_calibration_sits_next_to_the_config_unless_told_otherwise(
    isolated_user_files: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert load_config().calibration_path == isolated_user_files / "calibration.json"
    write(isolated_user_files / "config.toml", f'calibration_file = "{tmp_path / "c.json"}"\n')
    assert load_config().calibration_path == tmp_path / "c.json"
    monkeypatch.setenv("TRAINER_CALIBRATION", str(tmp_path / "env.json"))
    assert load_config().calibration_path == tmp_path / "env.json"


def test_a_full_file_is_read(isolated_user_files: Path) -> None:
    path = write(
        isolated_user_files / "config.toml",
        """
[hx711]
data_pin = 16
clock_pin = "GPIO20"
rate_hz = 10
channel = "b"
capacity_kg = 20
acquisition = "thread"

[feedback]
led_below = 17
led_in = 27
led_above = 22
buzzer = 23
button_start = 24
button_tare = 25

[display]
fps = 12
""",
    )
    config = load_config(path)
    assert config.display.fps == 12.0
    assert config.hx711.data_pin == 16 and config.hx711.clock_pin == "GPIO20"
    assert (config.hx711.channel, config.hx711.gain) == ("B", 32)  # B's only gain
    assert config.hx711.acquisition == "thread"
    assert config.feedback.pins() == {
        "led_below": 17,
        "led_in": 27,
        "led_above": 22,
        "buzzer": 23,
        "button_start": 24,
        "button_tare": 25,
    }
    assert config.path == path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hx711": {"rate_hz": 40}}, "set rate_hz = 80"),
        ({"hx711": {"rate_hz": True}}, "set rate_hz = 80"),
        ({"hx711": {"channel": "C"}}, 'set channel = "A" or "B"'),
        ({"hx711": {"channel": "B", "gain": 128}}, "set gain = 32"),
        ({"hx711": {"gain": 32}}, "set gain = 128 or 64"),
        ({"hx711": {"capacity_kg": 0}}, "rated capacity in kilograms"),
        ({"hx711": {"capacity_kg": "50"}}, "rated capacity in kilograms"),
        ({"hx711": {"data_pin": 40}}, "BCM GPIO number from 0 to 27"),
        ({"hx711": {"data_pin": -1}}, "BCM GPIO number from 0 to 27"),
        ({"hx711": {"clock_pin": 5}}, "both on GPIO5; give each part its own pin"),
        ({"feedback": {"buzzer": 6}}, "both on GPIO6"),
        ({"feedback": {"led_in": "GPIO17", "led_above": 17}}, "both on GPIO17"),
        ({"feedback": {"led_green": 17}}, "no setting 'led_green'; the settings are"),
        ({"hx711": {"pin": 5}}, "no setting 'pin'"),
        ({"leds": {}}, "unknown section or key 'leds'"),
        ({"hx711": 5}, "must be a section written [hx711]"),
        ({"calibration_file": 3}, "calibration_file must be a file path"),
        ({"hx711": {"acquisition": "fork"}}, 'set acquisition = "process"'),
        ({"display": {"fps": 0}}, "redraws per second from 1 to 60"),
        ({"display": {"fps": 120}}, "redraws per second from 1 to 60"),
        ({"display": {"fps": "30"}}, "redraws per second from 1 to 60"),
        ({"display": {"fps": True}}, "redraws per second from 1 to 60"),
        ({"display": {"rate": 30}}, "[display] has no setting 'rate'"),
        ({"hx711": {"data_pin": "banana"}}, "'banana': not a pin name"),
        ({"hx711": {"clock_pin": "BOARD29", "data_pin": 5}}, "both on GPIO5"),
        ({"hx711": {"data_pin": "J8:31"}}, "both on GPIO6"),  # the default clock pin
        ({"hx711": {"data_pin": "BOARD1"}}, "header pin 1 is 3.3 V, not a GPIO"),
        ({"hx711": {"data_pin": "BOARD41"}}, "pins 1 to 40"),
        ({"hx711": {"data_pin": "GPIO28"}}, "BCM GPIO number from 0 to 27"),
        ({"sensor": {"backend": "hx712"}}, 'set backend = "hx711-gpio", "hx711-spi"'),
        ({"sensor": {"bus": 1}}, "[sensor] has no setting 'bus'"),
        ({"sensor": {"i2c_bus": "1"}}, "/dev/i2c-1 is i2c_bus = 1"),
        ({"sensor": {"backend": "nau7802"}, "hx711": {"rate_hz": 50}}, "10, 20, 40, 80 or 320"),
        ({"sensor": {"backend": "nau7802"}, "hx711": {"channel": "B"}}, "reads channel A"),
        ({"sensor": {"backend": "hx711-spi"}, "feedback": {"led_in": 10}}, "SPI0 MOSI"),
        ({"sensor": {"backend": "nau7802"}, "feedback": {"buzzer": "BOARD3"}}, "I2C SDA"),
    ],
)
def test_each_mistake_is_named_with_its_fix(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, Path("/etc/trainer.toml"))
    text = str(caught.value)
    assert message in text
    assert text.startswith("/etc/trainer.toml")
    assert "\n" not in text


def test_broken_toml_names_the_file_and_the_way_out(isolated_user_files: Path) -> None:
    path = write(isolated_user_files / "config.toml", "[hx711\nrate_hz = 80\n")
    with pytest.raises(ConfigError, match=r"not valid TOML .*delete the file to use the defaults"):
        load_config(path)


def test_an_unreadable_file_names_the_way_out(isolated_user_files: Path) -> None:
    path = isolated_user_files / "config.toml"
    path.mkdir()  # a folder where the file should be: reading it fails
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(path)


def test_the_backend_and_its_bus_are_read(isolated_user_files: Path) -> None:
    path = write(
        isolated_user_files / "config.toml",
        '[sensor]\nbackend = "nau7802"\ni2c_bus = 3\n[hx711]\nrate_hz = 320\ngain = 64\n',
    )
    config = load_config(path)
    assert (config.sensor.backend, config.sensor.i2c_bus, config.sensor.adc) == (
        "nau7802",
        3,
        "nau7802",
    )
    assert (config.hx711.rate_hz, config.hx711.gain) == (320, 64)


def test_power_down_between_sessions_is_off_unless_asked(isolated_user_files: Path) -> None:
    from trainer.sensors.configured import load_cell_from_config

    assert Config().sensor.power_down_between_sessions is False
    path = write(
        isolated_user_files / "config.toml",
        '[sensor]\nbackend = "hx711-spi"\npower_down_between_sessions = true\n',
    )
    config = load_config(path)
    assert config.sensor.power_down_between_sessions is True
    sensor = load_cell_from_config(config)
    assert getattr(sensor, "power_down_between_sessions", None) is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('power_down_between_sessions = "yes"', "set it to true or false"),
        ("power_down_between_sessions = 1", "set it to true or false"),
        ("power_down_between_sessions = true\nspi_bus = 1", "needs spi_bus = 0"),
    ],
)
def test_a_bad_power_down_setting_names_the_fix(
    isolated_user_files: Path, text: str, message: str
) -> None:
    path = write(isolated_user_files / "config.toml", f'[sensor]\nbackend = "hx711-spi"\n{text}\n')
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_the_older_backend_name_still_works(isolated_user_files: Path) -> None:
    path = write(isolated_user_files / "config.toml", '[sensor]\nbackend = "hx711"\n')
    assert load_config(path).sensor.backend == "hx711-gpio"


def test_pins_of_a_backend_that_does_not_use_them_do_not_conflict(
    isolated_user_files: Path,
) -> None:
    # SPI clocks the HX711 on GPIO10/9: the GPIO reader's pins are free for LEDs.
    path = write(
        isolated_user_files / "config.toml",
        '[sensor]\nbackend = "hx711-spi"\n[feedback]\nled_in = 5\nbuzzer = "BOARD31"\n',
    )
    assert load_config(path).feedback.pins() == {"led_in": 5, "buzzer": "BOARD31"}


@pytest.mark.parametrize(
    ("pin", "bcm"), [(5, 5), ("5", 5), ("GPIO5", 5), ("bcm5", 5), ("BOARD29", 5), ("J8:29", 5)]
)
def test_every_way_of_naming_a_pin_gives_its_bcm_number(pin: object, bcm: int) -> None:
    from trainer.config import bcm_number

    assert bcm_number(pin) == bcm  # type: ignore[arg-type]
