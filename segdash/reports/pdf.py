"""The report as PDF (reportlab)."""

from __future__ import annotations

import io

from segdash.reports.content import Report, sections


def to_pdf(report: Report, images: dict[int, bytes] | None = None) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    story = []
    for kind, payload in sections(report):
        if kind in ("heading1", "heading2", "paragraph"):
            style = {"heading1": "Title", "heading2": "Heading2", "paragraph": "BodyText"}[kind]
            # reportlab reads its own mark-up in paragraphs: user text is escaped.
            story.append(Paragraph(escape(str(payload)), styles[style]))
        elif kind == "image":
            if images and payload in images:
                from reportlab.lib.utils import ImageReader

                width, height = ImageReader(io.BytesIO(images[payload])).getSize()
                story.append(
                    Image(
                        io.BytesIO(images[payload]),
                        width=16 * cm,
                        height=16 * cm * height / width,
                    )
                )
        elif kind == "table":
            header, rows = payload
            data = [[Paragraph(f"<b>{escape(h)}</b>", cell_style) for h in header]]
            data += [[Paragraph(escape(c), cell_style) for c in row] for row in rows]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        story.append(Spacer(1, 0.25 * cm))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=report.title,
        author="segdash",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
    ).build(story)
    return buffer.getvalue()
