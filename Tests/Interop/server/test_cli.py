"""The switchboard executable as an operator runs it: serve on embedded defaults, migrate, user create, --help."""
import os
import re
import socket
import subprocess
import time

import requests

BIN = os.path.join(os.environ["SWITCHBOARD_BIN_DIR"], "switchboard")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path, port):
    env = dict(os.environ, SWITCHBOARD_PORT=str(port), SWITCHBOARD_HOST="127.0.0.1", SWITCHBOARD_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.Popen([BIN, "serve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "listening on" in line:
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError("server did not start: " + "".join(lines) + proc.stderr.read())


def test_serve_creates_support_account_once_and_answers_health(tmp_path):
    port = free_port()
    proc, banner = start_server(tmp_path, port)
    try:
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json() == {"status": "ok"}
        login = re.search(r"login:\s+(\S+)", banner).group(1)
        password = re.search(r"password:\s+(\S+)", banner).group(1)
        reply = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/login", json={"email": login, "password": password}, timeout=10)
        assert reply.status_code == 200, reply.text
        token = reply.json()["token"]
        me = requests.get(f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
        assert me["user"]["role"] == "support"
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "hb_requests" in metrics.text
        assert (tmp_path / "data" / "switchboard.sqlite").exists()
        assert (tmp_path / "data" / "mail").is_dir()
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    # One log line per request with method, path, status and duration; never the password.
    assert re.search(r"POST /api/v1/auth/login 200 \d+\.\dms", stderr), stderr
    assert password not in stderr
    assert proc.returncode == 0

    # A second start keeps the data and does not print a new password.
    proc, banner = start_server(tmp_path, port)
    try:
        assert "password:" not in banner
        reply = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/login", json={"email": login, "password": password}, timeout=10)
        assert reply.status_code == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_migrate_and_user_create(tmp_path):
    data = str(tmp_path / "d")
    out = subprocess.run([BIN, "migrate", "--data-dir", data], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "v1-directory" in out.stdout
    weak = subprocess.run([BIN, "user", "create", "--data-dir", data, "--email", "ops@platform.test"],
                          input="weak\n", capture_output=True, text=True, timeout=60)
    assert weak.returncode != 0
    assert "policy" in weak.stderr
    ok = subprocess.run([BIN, "user", "create", "--data-dir", data, "--email", "ops@platform.test", "--name", "Ops"],
                        env=dict(os.environ, SWITCHBOARD_USER_PASSWORD="Op3rat0r!x"), capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "Created support account ops@platform.test" in ok.stdout


def test_help_is_readable():
    out = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    for word in ("serve", "migrate", "user"):
        assert word in out.stdout
    serve = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
    for flag in ("--port", "--data-dir", "--public-url", "--log-level", "SWITCHBOARD_PORT"):
        assert flag in serve.stdout
    bad = subprocess.run([BIN, "serve", "--port", "70000"], capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0
    assert "Port must be between" in bad.stderr
