import pytest


@pytest.fixture
def cleanup():
    stack = []
    yield stack
    for stop in reversed(stack):
        try:
            stop()
        except Exception:  # noqa: BLE001 - best effort, keep stopping the others
            pass
