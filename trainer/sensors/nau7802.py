"""The NAU7802 24-bit ADC over I2C (``nau7802``): no bit-banging, no timing to keep.

The NAU7802 (Adafruit and SparkFun Qwiic breakouts, address 0x2A) converts at 10-320
samples per second, sets its own gain and calibrates its own front end; the Pi only
reads registers over I2C, so a slow or busy Pi loses nothing. It is read through
``smbus2`` (the ``pi`` extra; Debian python3-smbus2), imported when the sensor opens.

Why smbus2 and not a driver package: we need six register operations, and each
error must come back as an ``OSError`` we can turn into :class:`SensorDisconnected`
within a second and recover from. Of the drivers read (their code, 2026):
``sparkfun-qwiic-nau7802`` 2.0 reports a failed ``begin()`` as ``False`` with no reason
and brings its own I2C layer (sparkfun-qwiic-i2c) that picks the bus itself;
``nau7802`` 0.7 polls the power-up bit in a loop without sleeping, writes the read-only
CR bit while setting defaults, and pins the young ``typed-registers ~=0.2``. smbus2 is
pure Python, maintained, in Debian, and is the boundary the tests fake.

How it runs (datasheet, and the SparkFun library's order):

* open: register reset (PU_CTRL.RR), power up the digital and analog parts and wait
  for PUR, internal LDO at 3.3 V (AVDDS), gain and rate (CTRL1, CTRL2), the ADC and
  PGA settings SparkFun uses (CLK_CHP off, the PGA output capacitor on), cycle start
  (CS), then an internal offset calibration (CALS, checked with CAL_ERR);
* each conversion: poll PU_CTRL.CR (cycle ready) at an eighth of the period, then read
  the three ADCO bytes in one block (which clears CR): a signed 24-bit count;
* a failed transfer is a bus error: the read is retried; a chip that does not answer
  for ``ready_timeout_s`` is :class:`SensorDisconnected`, and when it answers again it
  is set up afresh (it may have lost power) and reading resumes.

Example::

    with NAU7802Sensor(rate_hz=80, gain=128, calibration=calibration) as sensor:
        print(sensor.read().force_n)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from trainer.sensors.base import SampleFlag, SensorDisconnected, SensorError
from trainer.sensors.loadcell import LoadCellSensor, default_ready_timeout_s, to_signed

if TYPE_CHECKING:
    from trainer.calibration import Calibration

ADDRESS = 0x2A
# registers
PU_CTRL, CTRL1, CTRL2, ADCO_B2, ADC, PGA_PWR, REV_ID = 0x00, 0x01, 0x02, 0x12, 0x15, 0x1C, 0x1F
# PU_CTRL bits
RR, PUD, PUA, PUR, CS, CR, AVDDS = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x80
# CTRL2 bits
CALS, CAL_ERR = 0x04, 0x08
PGA_CAP_EN = 0x80
#: samples per second -> CTRL2.CRS
RATE_CODES = {10: 0, 20: 1, 40: 2, 80: 3, 320: 7}
#: PGA gain -> CTRL1.GAINS
GAIN_CODES = {1: 0, 2: 1, 4: 2, 8: 3, 16: 4, 32: 5, 64: 6, 128: 7}
#: CTRL1.VLDO for 3.3 V (the Qwiic boards' supply)
LDO_3V3 = 0b100
#: power-up and calibration take a few ms; give up after this
SETUP_TIMEOUT_S = 0.5


class NAU7802Sensor(LoadCellSensor):
    """A load cell on a NAU7802 over I2C (``/dev/i2c-{bus}``, address 0x2A).

    Example::

        with NAU7802Sensor(bus=1, rate_hz=80) as sensor:
            counts = sensor.read_raw(timeout=0.5)
    """

    backend: ClassVar[str] = "nau7802"

    def __init__(
        self,
        rate_hz: float = 80,
        *,
        bus: int = 1,
        address: int = ADDRESS,
        gain: int = 128,
        calibration: Calibration | None = None,
        zero_tracking: bool = True,
        ready_timeout_s: float | None = None,
    ) -> None:
        if rate_hz not in RATE_CODES:
            raise ValueError(
                f"the NAU7802 converts at 10, 20, 40, 80 or 320 per second, not {rate_hz}"
            )
        if gain not in GAIN_CODES:
            raise ValueError(f"the NAU7802's gain is 1, 2, 4, ... 128, not {gain}")
        super().__init__(rate_hz, calibration=calibration, zero_tracking=zero_tracking)
        self.bus_number = bus
        self.address = address
        self.gain = gain
        self.channel = "A"  # channel 1, the one the Qwiic boards wire
        self.ready_timeout_s = ready_timeout_s or default_ready_timeout_s(rate_hz)
        self.poll_s = 1.0 / (8 * rate_hz)
        self._bus: Any = None
        self.revision: int | None = None

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._bus is not None

    def open(self) -> None:
        """Open the I2C bus and set the chip up (reset, power, gain, rate, calibration)."""
        if self.is_open:
            return
        try:
            import smbus2
        except ImportError:
            raise SensorError(
                "the smbus2 package is not installed; run hardware/setup-pi.sh, or "
                "'pip install \"pressure-trainer[pi]\"' (Debian: apt install python3-smbus2)"
            ) from None
        path = f"/dev/i2c-{self.bus_number}"
        try:
            bus = smbus2.SMBus(self.bus_number)
        except FileNotFoundError:
            raise SensorError(
                f"there is no I2C bus {path}; enable I2C (dtparam=i2c_arm=on in "
                "/boot/firmware/config.txt, or run hardware/setup-pi.sh) and reboot"
            ) from None
        except PermissionError:
            raise SensorError(
                f"no permission to use {path}; add your user to the i2c group "
                "('sudo adduser $USER i2c', hardware/setup-pi.sh does it) and log in again"
            ) from None
        except OSError as error:
            raise SensorError(f"cannot open {path} ({error.strerror or error})") from None
        self._bus = bus
        try:
            self._set_up()
        except OSError as error:
            self._bus = None
            bus.close()
            raise SensorError(
                f"no NAU7802 answers at 0x{self.address:02X} on {path} ({error.strerror or error}); "
                "check the Qwiic cable (3.3 V, GND, SDA to GPIO2, SCL to GPIO3) or run "
                "'trainer doctor'"
            ) from None
        except SensorError:
            self._bus = None
            bus.close()
            raise
        self._opened_with_calibration()

    def close(self) -> None:
        """Stop acquiring, power the chip down and close the bus."""
        super().close()
        bus, self._bus = self._bus, None
        if bus is None:
            return
        try:
            bus.write_byte_data(self.address, PU_CTRL, 0)  # PUD, PUA off: standby
        except OSError:
            pass  # gone already: nothing to power down
        finally:
            bus.close()

    def _set_up(self) -> None:
        """Reset, power up, configure and calibrate; OSError if the chip does not answer."""
        bus, address = self._bus, self.address
        bus.write_byte_data(address, PU_CTRL, RR)
        bus.write_byte_data(address, PU_CTRL, PUD)
        bus.write_byte_data(address, PU_CTRL, PUD | PUA)
        self._wait_for(lambda: bool(bus.read_byte_data(address, PU_CTRL) & PUR), "power up")
        bus.write_byte_data(address, CTRL1, LDO_3V3 << 3 | GAIN_CODES[self.gain])
        bus.write_byte_data(address, CTRL2, RATE_CODES[int(self.rate_hz)] << 4)
        bus.write_byte_data(address, ADC, 0x30)  # CLK_CHP off, as SparkFun's library does
        pga = bus.read_byte_data(address, PGA_PWR)
        bus.write_byte_data(address, PGA_PWR, pga | PGA_CAP_EN)
        bus.write_byte_data(address, PU_CTRL, PUD | PUA | AVDDS | CS)
        self.revision = bus.read_byte_data(address, REV_ID) & 0x0F
        # Internal offset calibration (CALMOD 00): CALS clears itself when done.
        ctrl2 = bus.read_byte_data(address, CTRL2) & ~0x07
        bus.write_byte_data(address, CTRL2, ctrl2 | CALS)
        self._wait_for(lambda: not bus.read_byte_data(address, CTRL2) & CALS, "calibrate")
        if bus.read_byte_data(address, CTRL2) & CAL_ERR:
            raise SensorError(
                "the NAU7802's internal calibration failed; check its supply and the load "
                "cell's wires, then try again"
            )

    def _wait_for(self, done: Any, what: str) -> None:
        deadline = time.monotonic() + SETUP_TIMEOUT_S
        while not done():
            if time.monotonic() > deadline:
                raise SensorError(
                    f"the NAU7802 did not {what} within {SETUP_TIMEOUT_S:.1f} s; "
                    "power it off and on, and check its supply"
                )
            time.sleep(0.001)

    def describe(self) -> dict[str, Any]:
        return super().describe() | {
            "i2c": f"/dev/i2c-{self.bus_number}",
            "address": f"0x{self.address:02X}",
            "gain": self.gain,
            "revision": self.revision,
        }

    # -- reading -------------------------------------------------------------------------
    def _next_conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        last_error: OSError | None = None
        for until in self._polls(timeout_s):
            try:
                if self._lost:
                    self._set_up()  # it answers again, perhaps after losing power
                    self._lost = False
                if self._bus.read_byte_data(self.address, PU_CTRL) & CR:
                    t_s = time.monotonic()
                    block = self._bus.read_i2c_block_data(self.address, ADCO_B2, 3)
                    self.stats.conversions += 1
                    counts = to_signed(block[0] << 16 | block[1] << 8 | block[2])
                    counts, flags = self._judge_code(counts)
                    return counts, t_s, flags
                last_error = None
            except OSError as error:
                # A NACK (the chip gone) or a disturbed transfer: try again, briefly.
                self.stats.bus_errors += 1
                last_error = error
            except SensorError as error:  # set up again, but it would not calibrate
                raise self._disconnected(str(error).split(";")[0]) from None
            # Polling for CR at an eighth of the period; a lost chip is asked less often.
            pause = 0.05 if self._lost else self.poll_s
            time.sleep(min(pause, max(0.0, until - time.monotonic())))
        if last_error is not None:
            raise self._disconnected(
                f"the NAU7802 stopped answering ({last_error.strerror or last_error})"
            )
        raise self._disconnected(f"no conversion from the NAU7802 for {self.ready_timeout_s:.2f} s")

    def _disconnected(self, what: str) -> SensorDisconnected:
        return self._lost_contact(
            what,
            f"I2C /dev/i2c-{self.bus_number}, address 0x{self.address:02X}",
            "the Qwiic cable and the board's 3.3 V supply",
        )
