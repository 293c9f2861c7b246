"""Kit tests never touch the learner's state: this run, and every pytest it starts, keeps it in a temporary folder."""

import os
import tempfile


def pytest_configure(config):
    os.environ.setdefault("FROMSCRATCH_STATE", tempfile.mkdtemp(prefix="fromscratch-kit-state-"))
