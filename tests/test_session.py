"""Where the upload button and progress bars appear: in front of a reader in any front end, never headless."""

import sys
import types
from datetime import datetime, timezone

import IPython
import pytest

from mnist_helpers import session


@pytest.fixture
def headless(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    return monkeypatch


def test_headless_kernels_and_plain_python_are_not_interactive(headless):
    assert not session.is_interactive()


def test_a_kernel_started_by_jupyter_server_is_interactive(headless):
    headless.setenv("JPY_SESSION_NAME", "/home/me/notebooks/08_your_handwriting.ipynb")
    assert session.is_interactive()


def test_colab_is_interactive(headless):
    headless.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert session.is_interactive()


def test_vs_code_is_interactive_a_shell_without_its_marker_is_not(headless):
    shell = types.SimpleNamespace(user_ns={})
    headless.setattr(IPython, "get_ipython", lambda: shell)
    assert not session.is_interactive()  # an IPython shell in a terminal
    shell.user_ns["__vsc_ipynb_file__"] = "/home/me/notebooks/08_your_handwriting.ipynb"
    assert session.is_interactive()


def test_the_upload_button_hands_each_file_to_the_notebook_as_bytes_and_name():
    received = []
    button = session.upload_button(lambda content, name: received.append((content, name)))
    picked = {"name": "7-mine.png", "type": "image/png", "size": 3, "content": memoryview(b"PNG"),
              "last_modified": datetime.now(timezone.utc)}  # what the browser sends when a learner picks a file
    button.value = (picked,)
    assert received == [(b"PNG", "7-mine.png")]
