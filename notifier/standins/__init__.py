"""Local servers that speak the real protocols of Telegram, MAX, SMTP and SMS gateways.

Used by the tests, the benchmarks, and `zvonok run` when no credentials are set.
"""
