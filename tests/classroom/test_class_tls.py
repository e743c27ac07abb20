"""A class over TLS: `trainer class setup --tls-cert/--tls-key`, stations trust the certificate."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trainer.classroom.broker import free_port, load_class_file, setup_class
from trainer.classroom.hub import ClassHub

from .conftest import StartBroker
from .helpers import stations_running, wait_until


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        reason = "openssl is not installed (needed to make a test certificate)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the TLS class test: {reason}")
        pytest.skip(reason)
    cert, key = tmp_path / "server.pem", tmp_path / "server-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_class_over_tls(tmp_path: Path, start_broker: StartBroker) -> None:
    cert, key = _certificate(tmp_path)
    folder = setup_class(
        tmp_path / "tls",
        "secure",
        2,
        host="127.0.0.1",
        port=free_port(),
        tls_cert=cert,
        tls_key=key,
    )
    conf = (folder.folder / "mosquitto.conf").read_text()
    assert "certfile" in conf and "keyfile" in conf
    station = load_class_file(folder.station_file("station-01"))
    assert station.ca_file == folder.folder / "stations" / "ca.crt" and station.ca_file.exists()
    # Re-running keeps TLS on without the certificate arguments.
    assert setup_class(tmp_path / "tls", "secure", 2).tls
    start_broker(folder)
    hub = ClassHub(folder.hub_file)
    hub.start()
    try:
        assert hub.wait_connected()
        with stations_running(folder, ["station-01"], tmp_path, sessions=1, speed=20) as running:
            running.join(60)
        assert wait_until(lambda: hub.counters.sessions_stored == 1, 20)
    finally:
        hub.stop()
