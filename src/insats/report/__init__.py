"""Everything between results and the reader: labels, formats, tables, figures, export."""
