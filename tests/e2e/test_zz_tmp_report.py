from collections.abc import Callable
from tests.e2e.conftest import REPORT

def test_reports(record_property: Callable[[str, object], None]) -> None:
    record_property(REPORT, "hello figures")
