"""A virtual screen (Xvfb) for the GUI tests and the screenshot command.

The windows are real Tk windows; only the screen is virtual.  ``Xvfb -displayfd``
picks a free display number itself and tells us when it is ready, so two test
runs (or a test run and the screenshot command) never fight over ``:99``.  The
screen is 1024×768, the smallest screen the centres use, so that what passes
here fits there.

This module starts a process; it never touches a display it did not start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from common.errors import UserError
from common.i18n import translator

tr = translator("ui")

SCREEN = "1024x768x24"


@dataclass
class VirtualScreen:
    """A running Xvfb; ``display`` is what to put in ``DISPLAY`` (``":3"``)."""

    process: subprocess.Popen[bytes]
    display: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_virtual_screen(screen: str = SCREEN, timeout: float = 15.0) -> VirtualScreen:
    """Start Xvfb on a free display and wait until it accepts connections."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise UserError(
            tr("Xvfb is not installed: install it with 'apt-get install -y xvfb'"),
            rule="xvfb_missing",
        )
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
        [binary, "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp",
         "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = _read_display_number(read_fd, timeout)
    except Exception:
        process.kill()
        process.wait(timeout=5)
        raise
    finally:
        os.close(read_fd)
    return VirtualScreen(process, f":{number}")


def _read_display_number(fd: int, timeout: float) -> int:
    import select

    buffer = b""
    while not buffer.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise UserError(tr("Xvfb did not start in time"), rule="xvfb_timeout")
        chunk = os.read(fd, 32)
        if not chunk:
            raise UserError(tr("Xvfb stopped before it was ready"), rule="xvfb_failed")
        buffer += chunk
    return int(buffer.strip())
