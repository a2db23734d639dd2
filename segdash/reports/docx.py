"""The report as Word (python-docx), so the office can edit it before the decision."""

from __future__ import annotations

import io

from segdash.reports.content import Report, sections


def to_docx(report: Report, images: dict[int, bytes] | None = None) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = report.title
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10.5)
    for kind, payload in sections(report):
        if kind == "heading1":
            document.add_heading(payload, level=1)
        elif kind == "heading2":
            document.add_heading(payload, level=2)
        elif kind == "paragraph":
            document.add_paragraph(payload)
        elif kind == "image":
            if images and payload in images:
                document.add_picture(io.BytesIO(images[payload]), width=Cm(16))
        elif kind == "table":
            header, rows = payload
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
