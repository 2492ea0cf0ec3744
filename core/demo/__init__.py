"""A realistic demo school, built deterministically: `zvonok demo` calls `load_demo`.

Same seed and same `today` give the same data, but for the staff's password: random
at every load. See `core.demo.loader.load_demo`.
"""

from core.demo.loader import DemoAlreadyLoaded, DemoSummary, load_demo
from core.demo.writer import DEMO_SCHOOL_NAME

__all__ = ["DEMO_SCHOOL_NAME", "DemoAlreadyLoaded", "DemoSummary", "load_demo"]
