"""Shared by every interop suite: Tests/Interop is on sys.path (for `interop`), and a `cleanup` stack."""
import pytest


@pytest.fixture
def cleanup():
    """Callables to run after the test, last registered first (servers, sockets, browsers)."""
    stack = []
    yield stack
    for stop in reversed(stack):
        try:
            stop()
        except Exception:  # noqa: BLE001 - best effort, keep stopping the others
            pass
