"""Printed documents built from the journal: the weekly summary for families."""

from core.reports.filenames import weekly_summary_filename
from core.reports.weekly import SummaryPage, render_summary_html, weekly_summary_pdf

__all__ = ["SummaryPage", "render_summary_html", "weekly_summary_filename", "weekly_summary_pdf"]
