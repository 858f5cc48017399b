"""The installed ``voting`` command, as a clerk or auditor runs it: the one path every suite starts it by."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

VOTING = shutil.which("voting", path=os.path.dirname(sys.executable)) or "voting"
"""The console script of this virtual environment, not whatever ``voting`` is first on PATH."""


def voting(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([VOTING, *args], capture_output=True, text=True, env=env, input=input, timeout=120)
