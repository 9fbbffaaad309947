"""Everything between results and the reader: labels, formats, tables, figures, export."""

#: The notebook emits its key figures under this MIME type; the runner takes them out
#: of the executed notebook and writes figures.json.
FIGURES_MIMETYPE = "application/vnd.insats.figures+json"
