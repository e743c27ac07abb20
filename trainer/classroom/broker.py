"""A class's Mosquitto: the files ``trainer class setup`` writes, and running the broker.

``setup_class`` writes into one folder everything a class needs: ``mosquitto.conf``
(listener, persistence with a short autosave, no anonymous clients, optional TLS), a
password file in Mosquitto's own PBKDF2-SHA512 format (one account per station and one for
the hub), an ACL that lets each station write only under its own id and read only the
class configuration, one station file per station (``stations/station-01.toml``) and the
hub's file (``hub.toml``). Running it again adds stations and keeps every password.

:class:`MosquittoProcess` starts ``mosquitto -c DIR/mosquitto.conf`` and waits until it
listens (tests, ``trainer class demo`` and the benchmark use it).

Example::

    written = setup_class(Path("monday"), "monday", stations=12, host="192.168.1.20")
    print(setup_instructions(written))
    with MosquittoProcess(written.folder) as broker:
        ...
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from trainer.classroom.protocol import TOPIC_ROOT, check_name, station_id

DEFAULT_PORT = 1883
HUB_USER = "hub"
#: Mosquitto's default autosave is 30 minutes: far too long for a class
AUTOSAVE_INTERVAL_S = 10
#: PBKDF2 rounds; Mosquitto reads the count from each line (its own default is 101)
PBKDF2_ROUNDS = 1000
MOSQUITTO_PATHS = (
    "/usr/sbin/mosquitto",
    "/usr/local/sbin/mosquitto",
    "/opt/homebrew/sbin/mosquitto",
)
HEADER = "# Written by `trainer class setup`; running it again keeps every password.\n"


class ClassSetupError(Exception):
    """A class folder or class file cannot be used; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ClassFile:
    """A station's or the hub's connection to its class (``stations/S.toml``, ``hub.toml``)."""

    path: Path
    role: str  # "station" or "hub"
    class_name: str
    client_id: str  # the station id, or "hub"
    host: str
    port: int
    username: str
    password: str
    ca_file: Path | None = None  # TLS: the certificate to trust (None: plain MQTT)
    db: Path | None = None  # hub.toml: the hub's own records

    @property
    def station(self) -> str:
        if self.role != "station":
            raise ClassSetupError(f"{self.path} is the hub's file, not a station's")
        return self.client_id

    @property
    def config_cache(self) -> Path:
        """Where this client keeps the last good class configuration."""
        return self.path.with_suffix(".config.json")


def load_class_file(path: Path | str) -> ClassFile:
    """Read a station or hub file; a ClassSetupError names what is wrong and the fix."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClassSetupError(
            f"there is no class file {path}: copy the station's file from the instructor's "
            "class folder (made by `trainer class setup`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ClassSetupError(f"cannot read the class file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ClassSetupError(f"{path} is not valid TOML ({error}): copy it again") from None
    table = raw.get("class")
    if not isinstance(table, dict):
        raise ClassSetupError(
            f"{path} has no [class] table: is it a file from `trainer class setup`?"
        )

    def text(key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value:
            raise ClassSetupError(f"{path}: [class] {key} is missing: copy the file again")
        return value

    role = text("role")
    if role not in ("station", "hub"):
        raise ClassSetupError(f"{path}: [class] role must be station or hub, not {role!r}")
    port = table.get("port")
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ClassSetupError(f"{path}: [class] port must be a port number, not {port!r}")
    try:
        class_name = check_name(text("name"), "class")
        client_id = check_name(text("id"), "station") if role == "station" else HUB_USER
    except ValueError as error:
        raise ClassSetupError(f"{path}: {error}") from None
    ca = table.get("ca_file")
    db = table.get("db")
    return ClassFile(
        path=path,
        role=role,
        class_name=class_name,
        client_id=client_id,
        host=text("host"),
        port=port,
        username=text("username"),
        password=text("password"),
        ca_file=(path.parent / ca) if isinstance(ca, str) and ca else None,
        db=(path.parent / db) if isinstance(db, str) and db else None,
    )


#: a client waits this long (doubling from 1 s) between attempts to reach the broker
RECONNECT_MAX_S = 30


def class_client(class_file: ClassFile, client_id: str, *, manual_ack: bool = False) -> mqtt.Client:
    """A paho-mqtt 2 client (MQTT 5) logged in with the file's account, TLS if it says so.

    paho's network thread reconnects with back-off (1 s doubling to 30 s).
    """
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
        manual_ack=manual_ack,
    )
    client.username_pw_set(class_file.username, class_file.password)
    if class_file.ca_file is not None:
        client.tls_set(ca_certs=str(class_file.ca_file))
    client.reconnect_delay_set(1, RECONNECT_MAX_S)
    return client


def hash_password(password: str, *, salt: bytes | None = None, rounds: int = PBKDF2_ROUNDS) -> str:
    """A Mosquitto password-file hash (``$7$``: PBKDF2-SHA512), as mosquitto_passwd writes."""
    salt = salt if salt is not None else secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds)
    return f"$7${rounds}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class ClassFolder:
    """What ``setup_class`` wrote: the folder, its files, and which stations are new."""

    folder: Path
    class_name: str
    host: str
    port: int
    stations: tuple[str, ...]
    added: tuple[str, ...]
    tls: bool
    station_files: tuple[Path, ...] = field(default=())

    @property
    def conf(self) -> Path:
        return self.folder / "mosquitto.conf"

    @property
    def hub_file(self) -> Path:
        return self.folder / "hub.toml"

    def station_file(self, station: str) -> Path:
        return self.folder / "stations" / f"{station}.toml"


def default_host() -> str:
    """This machine's address on the local network, as stations will dial it."""
    # Connecting a UDP socket sends nothing; it only picks the outgoing interface.
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
        if not address.startswith("0."):
            return address
    return socket.gethostname()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _read_existing(folder: Path) -> dict[str, Any]:
    hub = folder / "hub.toml"
    if not hub.exists():
        return {}
    table = tomllib.loads(hub.read_text(encoding="utf-8")).get("class", {})
    return table if isinstance(table, dict) else {}


def setup_class(
    folder: Path,
    class_name: str,
    stations: int,
    *,
    port: int | None = None,
    host: str | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> ClassFolder:
    """Write (or extend) a class folder; see the module docstring. Idempotent."""
    try:
        check_name(class_name, "class")
    except ValueError as error:
        raise ClassSetupError(str(error)) from None
    if not 1 <= stations <= 99:
        raise ClassSetupError(f"a class has 1 to 99 stations, not {stations}")
    if (tls_cert is None) != (tls_key is None):
        raise ClassSetupError("TLS needs both --tls-cert and --tls-key (or neither)")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ClassSetupError(f"{folder} is a file: choose a folder for the class")
    try:
        existing = _read_existing(folder)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ClassSetupError(
            f"{folder}/hub.toml cannot be read ({error}): move it aside"
        ) from None
    if existing and existing.get("name") != class_name:
        raise ClassSetupError(
            f"{folder} already holds the class {existing.get('name')!r}: use --class "
            f"{existing.get('name')} to add stations, or choose another folder"
        )
    port = port if port is not None else int(existing.get("port", DEFAULT_PORT))
    if not 0 < port < 65536:
        raise ClassSetupError(f"--port must be 1-65535, not {port}")
    host = host or str(existing.get("host") or default_host())
    tls = tls_cert is not None or bool(existing.get("ca_file"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stations").mkdir(exist_ok=True)
        (folder / "data").mkdir(exist_ok=True)
        if tls_cert is not None and tls_key is not None:
            for source, name in ((tls_cert, "server.crt"), (tls_key, "server.key")):
                if not source.is_file():
                    raise ClassSetupError(f"there is no file {source}: check the TLS path")
                if source.resolve() != (folder / name).resolve():
                    shutil.copyfile(source, folder / name)
            os.chmod(folder / "server.key", 0o600)
        # Accounts: keep every existing password; add the missing ones.
        passwords: dict[str, str] = {}
        hub_password = str(existing.get("password") or secrets.token_urlsafe(18))
        passwords[HUB_USER] = hub_password
        ids = [station_id(n) for n in range(1, stations + 1)]
        for path in sorted((folder / "stations").glob("station-*.toml")):
            with contextlib.suppress(ClassSetupError):
                known = load_class_file(path)
                passwords[known.client_id] = known.password
                if known.client_id not in ids:
                    ids.append(known.client_id)
        ids.sort()
        added = tuple(s for s in ids if s not in passwords)
        for station in added:
            passwords[station] = secrets.token_urlsafe(18)
        ca = "ca.crt" if tls else ""
        if tls and (folder / "server.crt").exists():
            shutil.copyfile(folder / "server.crt", folder / "stations" / "ca.crt")
        for station in ids:
            _write_client_file(
                folder / "stations" / f"{station}.toml",
                role="station",
                class_name=class_name,
                client_id=station,
                host=host,
                port=port,
                password=passwords[station],
                ca_file=ca,
            )
        if tls:
            shutil.copyfile(folder / "server.crt", folder / "ca.crt")
        _write_client_file(
            folder / "hub.toml",
            role="hub",
            class_name=class_name,
            client_id=HUB_USER,
            host="127.0.0.1" if _is_loopback(host) else host,
            port=port,
            password=hub_password,
            ca_file=ca,
            db="hub.db",
        )
        # Accounts and rules added by `trainer class bridge` stay as they are.
        lines = {user: f"{user}:{hash_password(pw)}" for user, pw in passwords.items()}
        old_acl = conf_tail = ""
        with contextlib.suppress(OSError):
            for line in (folder / "passwd").read_text(encoding="utf-8").splitlines():
                user = line.split(":", 1)[0]
                if user.startswith(BRIDGE_PREFIX):
                    lines[user] = line
            old_acl = (folder / "acl").read_text(encoding="utf-8")
            conf_text = (folder / "mosquitto.conf").read_text(encoding="utf-8")
            if BRIDGE_BEGIN in conf_text:
                conf_tail = BRIDGE_BEGIN + conf_text.split(BRIDGE_BEGIN, 1)[1]
        _write_private(folder / "passwd", "".join(f"{v}\n" for _, v in sorted(lines.items())))
        bridges = "".join(
            "\n" + block.strip("\n") + "\n\n"
            for block in old_acl.split("\n\n")
            if block.lstrip("\n").startswith("# The bridge from the room")
        )
        _write_private(folder / "acl", _acl(class_name, bridges))
        conf = _mosquitto_conf(folder, host, port, tls)
        _write_private(folder / "mosquitto.conf", conf + (conf_tail if conf_tail else ""))
        (folder / "systemd").mkdir(exist_ok=True)
        (folder / "systemd" / "class.conf").write_text(_systemd_drop_in(folder), encoding="utf-8")
    except OSError as error:
        raise ClassSetupError(f"cannot write the class folder {folder}: {error}") from None
    return ClassFolder(
        folder=folder,
        class_name=class_name,
        host=host,
        port=port,
        stations=tuple(ids),
        added=added,
        tls=tls,
        station_files=tuple(folder / "stations" / f"{s}.toml" for s in ids),
    )


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _write_client_file(
    path: Path,
    *,
    role: str,
    class_name: str,
    client_id: str,
    host: str,
    port: int,
    password: str,
    ca_file: str,
    db: str = "",
) -> None:
    what = "this station" if role == "station" else "the instructor's hub"
    lines = [
        f"# Pressure Trainer class file for {what}. Keep it private: it holds a password.",
        "# Station: copy to the Pi and run `trainer run --class FILE` (see docs/classroom.md).",
        "[class]",
        f"role = {_toml_string(role)}",
        f"name = {_toml_string(class_name)}",
        f"id = {_toml_string(client_id)}",
        f"host = {_toml_string(host)}",
        f"port = {port}",
        f"username = {_toml_string(client_id)}",
        f"password = {_toml_string(password)}",
    ]
    if ca_file:
        lines.append(f"ca_file = {_toml_string(ca_file)}")
    if db:
        lines.append(f"db = {_toml_string(db)}")
    _write_private(path, "\n".join(lines) + "\n")


def _acl(class_name: str, bridges: str = "") -> str:
    root = f"{TOPIC_ROOT}/{class_name}"
    return (
        HEADER
        + bridges
        + "# The hub reads every station of the class and is the only writer of its config.\n"
        f"user {HUB_USER}\n"
        f"topic read {root}/stations/#\n"
        f"topic write {root}/stations/+/receipts\n"
        f"topic readwrite {root}/config\n"
        "\n"
        "# Every station (%u is its account, its station id) writes only under its own id\n"
        "# and reads only the class configuration and the hub's receipts for it.\n"
        f"pattern write {root}/stations/%u/#\n"
        f"pattern read {root}/stations/%u/receipts\n"
        f"pattern read {root}/config\n"
    )


def _mosquitto_conf(folder: Path, host: str, port: int, tls: bool) -> str:
    where = folder.resolve()
    bind = f" {host}" if _is_loopback(host) else ""
    lines = [
        HEADER.rstrip(),
        "# Start: mosquitto -c " + str(where / "mosquitto.conf"),
        "per_listener_settings false",
        f"listener {port}{bind}",
        "allow_anonymous false",
        f"password_file {where / 'passwd'}",
        f"acl_file {where / 'acl'}",
        "# Keep retained status/config and queued sessions across a broker restart;",
        "# save often (Mosquitto's default is every 30 minutes).",
        "persistence true",
        f"persistence_location {where / 'data'}/",
        f"autosave_interval {AUTOSAVE_INTERVAL_S}",
        "# A session with its samples may be a few MiB; the protocol caps it at 16 MiB.",
        "max_packet_size 17825792",
        "max_queued_messages 10000",
        "log_dest stdout",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "connection_messages true",
    ]
    if tls:
        lines += [
            f"certfile {where / 'server.crt'}",
            f"keyfile {where / 'server.key'}",
        ]
    return "\n".join(lines) + "\n"


def _systemd_drop_in(folder: Path) -> str:
    return (
        "# systemd drop-in for Debian's mosquitto service: run the class's broker instead.\n"
        "# Install: sudo mkdir -p /etc/systemd/system/mosquitto.service.d\n"
        "#          sudo cp class.conf /etc/systemd/system/mosquitto.service.d/\n"
        "#          sudo systemctl daemon-reload && sudo systemctl restart mosquitto\n"
        "[Service]\n"
        "ExecStart=\n"
        f"ExecStart=/usr/sbin/mosquitto -c {folder.resolve() / 'mosquitto.conf'}\n"
    )


#: accounts of bridges between brokers (``trainer class bridge``), not stations
BRIDGE_PREFIX = "bridge-"
BRIDGE_BEGIN = "# -- bridge to the central broker (trainer class bridge) --"


def bridge_rooms(room: Path, central: Path) -> str:
    """Bridge a room's broker to a central one carrying the same class; idempotent.

    The room's stations connect to the room's broker; their status, live reports and
    sessions go out over the bridge, the class configuration and the hub's receipts come
    in. The central folder (``trainer class setup`` with the same class name) gets a
    ``bridge-ROOM`` account allowed exactly that; the room's ``mosquitto.conf`` gets the
    connection. Returns the bridge account's name. Restart both brokers afterwards.
    """
    room, central = Path(room), Path(central)
    room_class = _read_existing(room).get("name")
    central_table = _read_existing(central)
    if not room_class or not central_table:
        raise ClassSetupError(
            "both folders must be class folders: run `trainer class setup` for each first"
        )
    if central_table.get("name") != room_class:
        raise ClassSetupError(
            f"the room holds class {room_class!r} but the central folder "
            f"{central_table.get('name')!r}: set the central one up with --class {room_class}"
        )
    account = BRIDGE_PREFIX + "".join(
        c if c.isalnum() else "-" for c in room.resolve().name.lower()
    )
    account = account[:63].rstrip("-")
    root = f"{TOPIC_ROOT}/{room_class}"
    # The central broker: an account for the bridge, with exactly the bridge's rights.
    lines = (central / "passwd").read_text(encoding="utf-8").splitlines()
    known = {line.split(":", 1)[0]: line for line in lines if ":" in line}
    password = _read_bridge_password(room) or secrets.token_urlsafe(18)
    known[account] = f"{account}:{hash_password(password)}"
    _write_private(central / "passwd", "".join(f"{line}\n" for _, line in sorted(known.items())))
    acl = (central / "acl").read_text(encoding="utf-8")
    block = (
        f"\n# The bridge from the room {room.resolve().name}: station topics in, config and "
        f"receipts out.\nuser {account}\n"
        f"topic write {root}/stations/+/status\n"
        f"topic write {root}/stations/+/live\n"
        f"topic write {root}/stations/+/sessions\n"
        f"topic read {root}/stations/+/receipts\n"
        f"topic read {root}/config\n"
    )
    if f"user {account}\n" not in acl:
        acl = acl.replace(HEADER, HEADER + block + "\n", 1) if HEADER in acl else block + acl
        _write_private(central / "acl", acl)
    host, port = _listener((central / "mosquitto.conf").read_text(encoding="utf-8"))
    central_host = str(central_table.get("host") or host)
    conf = (room / "mosquitto.conf").read_text(encoding="utf-8")
    conf = conf.split(BRIDGE_BEGIN)[0].rstrip("\n") + "\n"
    conf += "\n".join(
        [
            BRIDGE_BEGIN,
            f"connection {account}",
            f"address {central_host}:{port}",
            f"remote_clientid {room_class}-{account}",
            f"remote_username {account}",
            f"remote_password {password}",
            "cleansession false",
            "try_private true",
            f"topic {root}/stations/+/status out 1",
            f"topic {root}/stations/+/live out 0",
            f"topic {root}/stations/+/sessions out 1",
            f"topic {root}/stations/+/receipts in 1",
            f"topic {root}/config in 1",
        ]
    )
    _write_private(room / "mosquitto.conf", conf + "\n")
    return account


def _read_bridge_password(room: Path) -> str | None:
    with contextlib.suppress(OSError):
        for line in (room / "mosquitto.conf").read_text(encoding="utf-8").splitlines():
            if line.startswith("remote_password "):
                return line.split(" ", 1)[1].strip()
    return None


def setup_instructions(written: ClassFolder) -> str:
    """What to do next, in the instructor's words."""
    folder = written.folder
    conf = written.conf.resolve()
    new = ", ".join(written.added) if written.added else "none (every password kept)"
    return "\n".join(
        [
            f"Class {written.class_name!r}: {len(written.stations)} stations in {folder}; "
            f"new: {new}.",
            f"Stations will connect to {written.host}:{written.port}"
            + (" over TLS." if written.tls else "."),
            "",
            "1. Start the broker on this machine:",
            f"     mosquitto -c {conf}",
            "   or as the system service (Debian, Raspberry Pi OS; see docs/classroom.md):",
            f"     sudo chown -R mosquitto: {folder.resolve()}",
            "     sudo mkdir -p /etc/systemd/system/mosquitto.service.d",
            f"     sudo cp {folder.resolve() / 'systemd' / 'class.conf'} "
            "/etc/systemd/system/mosquitto.service.d/",
            "     sudo systemctl daemon-reload && sudo systemctl restart mosquitto",
            "2. Copy each station's file to its Pi, for example:",
            f"     scp {written.station_file(written.stations[0])} "
            f"pi@{written.stations[0]}.local:class.toml",
            "   and on the Pi: trainer run --class class.toml",
            "3. Start the hub here:",
            f"     trainer class hub --class {written.hub_file}",
        ]
    )


# -- running a broker ----------------------------------------------------------------------


def find_mosquitto() -> str | None:
    """The mosquitto program, or None if it is not installed."""
    found = shutil.which("mosquitto")
    if found:
        return found
    for candidate in MOSQUITTO_PATHS:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


MOSQUITTO_MISSING = (
    "Mosquitto is not installed: `sudo apt install mosquitto` (Debian, Raspberry Pi OS) "
    "or `brew install mosquitto` (macOS)"
)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MosquittoProcess:
    """A Mosquitto started from a class folder's ``mosquitto.conf``; stop() or kill() it.

    Run as root, Mosquitto would switch to the ``mosquitto`` user, who cannot read a
    private class folder: the launcher then adds ``user root`` to a copy of the config.
    """

    def __init__(self, folder: Path, *, program: str | None = None) -> None:
        self.folder = Path(folder)
        self.program = program or find_mosquitto()
        if self.program is None:
            raise ClassSetupError(MOSQUITTO_MISSING)
        conf = self.folder / "mosquitto.conf"
        if not conf.exists():
            raise ClassSetupError(f"{conf} does not exist: run `trainer class setup` first")
        self.conf = conf
        text = conf.read_text(encoding="utf-8")
        self.host, self.port = _listener(text)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.folder / "mosquitto.log"

    def _conf_to_run(self) -> Path:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            run_conf = self.folder / "mosquitto.run.conf"
            run_conf.write_text("user root\n" + self.conf.read_text(encoding="utf-8"))
            return run_conf
        return self.conf

    def start(self, timeout_s: float = 10.0) -> MosquittoProcess:
        """Start the broker and wait until it accepts connections."""
        if self.running:
            return self
        assert self.program is not None
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        try:
            self.process = subprocess.Popen(
                [self.program, "-c", str(self._conf_to_run())],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClassSetupError(
                    f"mosquitto stopped at once (exit {self.process.returncode}): {self.log_tail()}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.host, self.port), timeout=0.5),
            ):
                return self
            time.sleep(0.05)
        self.kill()
        raise ClassSetupError(f"mosquitto did not listen on {self.host}:{self.port} in time")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop cleanly (SIGTERM: Mosquitto saves its state), SIGKILL if it hangs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: nothing saved since the last autosave, like a pulled plug."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def restart(self, timeout_s: float = 10.0) -> MosquittoProcess:
        self.stop()
        return self.start(timeout_s)

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])

    def __enter__(self) -> MosquittoProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listener(conf_text: str) -> tuple[str, int]:
    for line in conf_text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "listener":
            host = parts[2] if len(parts) > 2 else "127.0.0.1"
            return host, int(parts[1])
    return "127.0.0.1", DEFAULT_PORT


@contextlib.contextmanager
def running_broker(folder: Path) -> Iterator[MosquittoProcess]:
    """Start the class folder's broker for the duration of a ``with`` block."""
    broker = MosquittoProcess(folder)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
