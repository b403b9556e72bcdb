"""Word 97-2003 ``.doc`` and Kingsoft WPS ``.wps``, through LibreOffice.

The binary Word format is converted by LibreOffice headless
(``soffice --headless --convert-to docx``) and the ``.docx`` it makes is read
by :mod:`.docx`: LibreOffice keeps the Chinese text, the paragraph order and
the tables (merged cells included), which text-only readers of ``.doc``
(antiword and the packages bundling it) do not (see the README's formats
table for what was measured). Each conversion runs

* with a timeout (``TASKGRAPH_SOFFICE_TIMEOUT`` seconds, default 120): a
  LibreOffice that hangs is killed with everything it started;
* with a private profile folder (``-env:UserInstallation``), so it neither
  touches the user's LibreOffice settings nor waits on a LibreOffice the user
  has open; one profile per process, made on first use;
* in a temporary folder that is removed afterwards: the input is copied
  there, nothing is written beside the plan.

LibreOffice is optional: without it such a file gets one line saying what to
install. ``TASKGRAPH_SOFFICE`` names the program if it is not on ``PATH``.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReadError
from ..model import Diagnostic, Line

__all__ = ["read", "convert", "soffice", "INSTALL_HINT"]

INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui "
                "libreoffice-calc-nogui; elsewhere libreoffice.org), or save the file as .docx")
_CANDIDATES = ("soffice", "libreoffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
               r"C:\Program Files\LibreOffice\program\soffice.exe")
_profile: str | None = None


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of a Word 97-2003 or WPS file, converted to .docx by LibreOffice."""
    from . import docx

    converted = convert(source, data, _suffix(source), "docx", "a Word 97-2003 / WPS file")
    lines, _, diagnostics = docx.read(source, converted)
    return lines, None, diagnostics


def _suffix(source: str) -> str:
    suffix = os.path.splitext(source)[1].lower()
    return suffix if suffix in (".doc", ".wps", ".dot", ".wpt") else ".doc"


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    named = os.environ.get("TASKGRAPH_SOFFICE")
    if named:
        return shutil.which(named) or (named if os.path.isfile(named) else None)
    for candidate in _CANDIDATES:
        found = shutil.which(candidate) or (candidate if os.path.isabs(candidate) and os.path.isfile(candidate)
                                            else None)
        if found:
            return found
    return None


def _timeout() -> float:
    try:
        return max(float(os.environ.get("TASKGRAPH_SOFFICE_TIMEOUT", "120")), 1.0)
    except ValueError:
        return 120.0


def _profile_uri() -> str:
    """A LibreOffice profile folder of this process, removed at exit."""
    global _profile
    if _profile is None or not os.path.isdir(_profile):
        _profile = tempfile.mkdtemp(prefix="taskgraph-lo-")
        atexit.register(shutil.rmtree, _profile, True)
    return Path(_profile, "profile").as_uri()


def convert(source: str, data: bytes, suffix: str, to: str, what: str) -> bytes:
    """``data`` (a file of type ``suffix``) converted by LibreOffice to
    ``to`` (``docx``, ``xlsx``…); ReadError when LibreOffice is missing,
    fails or hangs. ``what`` names the file's kind in messages."""
    program = soffice()
    if program is None:
        raise ReadError(source, f"{what}: reading it needs LibreOffice, which is not installed: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="taskgraph-convert-") as work:
        inp = Path(work, "plan" + suffix)
        inp.write_bytes(data)
        out = Path(work, "out")
        command = [program, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={_profile_uri()}",
                   "--convert-to", to, "--outdir", str(out), str(inp)]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
        except OSError as e:
            raise ReadError(source, f"{what}: cannot start LibreOffice ({e.strerror or e}): {INSTALL_HINT}") from None
        timeout = _timeout()
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ReadError(source, f"{what}: LibreOffice did not finish converting it within {timeout:g} s "
                            "(set TASKGRAPH_SOFFICE_TIMEOUT to wait longer); skipped") from None
        except BaseException:
            _kill(process)
            raise
        result = out / f"plan.{to}"
        if process.returncode != 0 or not result.is_file() or not result.stat().st_size:
            said = " ".join(line for line in output.decode("utf-8", "replace").splitlines()
                            if line.strip() and "javaldx" not in line)[-200:]
            raise ReadError(source, f"{what}: LibreOffice could not convert it (damaged, or protected by a "
                            f"password?){' – ' + said if said else ''}")
        return result.read_bytes()


def _kill(process: subprocess.Popen) -> None:
    """End LibreOffice and every process it started (its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        process.kill()
    process.wait()
