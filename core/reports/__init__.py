"""Printed documents built from the journal: the weekly summary for families, the
summary statement, the invite sheet, and the cell helpers of every export.

Import the modules themselves (`core.reports.weekly`, …): this package imports nothing,
so a process that only needs `core.reports.cells` does not load Typst.
"""
