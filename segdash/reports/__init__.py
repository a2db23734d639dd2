"""The annual follow-up report ("Uppföljning av åtgärdsplan mot segregation <period>").

`content.build_report` gathers what it says; `docx.to_docx` and `pdf.to_pdf` lay the same
content out, with the charts from `images.render_images`.
"""

from segdash.reports.content import (
    SCOPE_KINDS,
    AreaSection,
    Report,
    ReportError,
    Scope,
    build_report,
    sections,
)
from segdash.reports.docx import to_docx
from segdash.reports.images import area_figure, render_images
from segdash.reports.pdf import to_pdf

__all__ = [
    "SCOPE_KINDS",
    "AreaSection",
    "Report",
    "ReportError",
    "Scope",
    "area_figure",
    "build_report",
    "render",
    "render_images",
    "sections",
    "to_docx",
    "to_pdf",
]


def render(report: Report, kind: str, with_charts: bool = True) -> bytes:
    images = render_images(report) if with_charts else None
    return to_docx(report, images) if kind == "docx" else to_pdf(report, images)
