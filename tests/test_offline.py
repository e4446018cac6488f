"""Coding never touches the network and writes nothing outside ``$DETENTE_HOME``.

Two checks of a whole ``detente code`` run in a child process: Python's audit hooks see every
socket the interpreter opens (on any machine), and, where ``unshare`` and ``strace`` exist, the
run goes into an empty network namespace under strace, which sees native code too (the reason
for this test: onnxruntime, once used here, phoned home from C++).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from detente.embeddings import embeddings_available

TEXT = "Kenya imposed sanctions on Uganda. Norway's minister and his Chilean counterpart met."
CODER = "coding.hybrid.v1" if embeddings_available() else "coding.rules.v1"
# Records every attempt to reach another host or resolve a name, and blocks it.  (Opening a
# socket is allowed: urllib3 binds one to ::1 at import to learn whether IPv6 exists.)
AUDIT = """
import sys
REACH = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
         "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}
def _hook(event, args):
    if event in REACH:
        sys.stderr.write(f"NETWORK {event}\\n")
        raise OSError("network access is blocked in this test")
sys.addaudithook(_hook)
"""


def _run(
    tmp_path: Path, prefix: list[str], extra_env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "date": "2024-03-04", "text": TEXT}) + "\n")
    home, detente_home = tmp_path / "home", tmp_path / "detente-home"
    home.mkdir()
    detente_home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DETENTE_"))},
        "HOME": str(home),
        "DETENTE_HOME": str(detente_home),
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra_env,
    }
    command = [sys.executable, "-m", "detente", "code", "--input", str(source)]
    command += ["--format", "jsonl", "--coder", CODER]
    done = subprocess.run(prefix + command, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["cameo"] for line in done.stdout.splitlines()][:1] == ["163"]
    assert list(home.iterdir()) == []  # nothing under ~ (no ~/.cache, no ~/.local)
    return done


@pytest.mark.slow
def test_offline_no_socket_from_python(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(AUDIT)
    done = _run(tmp_path, [], {"PYTHONPATH": str(hooks)})
    assert "NETWORK" not in done.stderr


# strace lines: 123 openat(AT_FDCWD, "/path", O_WRONLY|O_CREAT|..., 0644) = 5
_WRITE = re.compile(r'^\d+ +(openat|mkdir|rename|unlink|creat)\(.*?"([^"]+)".*?= (-?\d+)')


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("unshare") and shutil.which("strace")),
    reason="needs unshare and strace (util-linux, strace) to watch native code too",
)
def test_offline_no_connection_and_no_writes_outside_home(tmp_path: Path) -> None:
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n is not permitted here (needs root or user namespaces)")
    trace = tmp_path / "trace.txt"
    calls = "trace=connect,sendto,openat,mkdir,rename,unlink,creat"
    _run(tmp_path, ["unshare", "-n", "strace", "-f", "-qq", "-e", calls, "-o", str(trace)], {})
    lines = trace.read_text().splitlines()
    network = [line for line in lines if re.search(r"(connect|sendto)\(.*AF_INET", line)]
    assert network == []
    writes = []
    for line in lines:
        found = _WRITE.match(line)
        if not found or int(found.group(3)) < 0:
            continue  # not a write, or it failed
        call, path = found.group(1), found.group(2)
        if call == "openat" and not re.search(r"O_WRONLY|O_RDWR|O_CREAT", line):
            continue
        if path.startswith(str(tmp_path / "detente-home")) or path in {"/dev/null", "/dev/tty"}:
            continue
        writes.append(line)
    assert writes == []
