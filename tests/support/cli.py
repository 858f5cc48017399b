"""The installed ``voting`` command, as a clerk or auditor runs it: the one path every suite starts it by."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

VOTING = shutil.which("voting", path=os.path.dirname(sys.executable)) or "voting"
"""The console script of this virtual environment, not whatever ``voting`` is first on PATH."""


ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
"""A reader's locale without Chinese, so that the command's refusals are the English the tests read,
whatever the locale of the machine running them."""


def voting(
    *args: str, env: dict[str, str] | None = None, input: str | None = None, locale: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command's result, run in ``env`` (else this process's environment) under the reader's ``locale``
    (else one without Chinese, whatever the machine's)."""
    run_env = {**(os.environ if env is None else env), **ENGLISH, **({"LANG": locale} if locale else {})}
    return subprocess.run([VOTING, *args], capture_output=True, text=True, env=run_env, input=input, timeout=120)
