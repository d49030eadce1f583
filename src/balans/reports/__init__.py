"""Reports: labels, sections, terminal, Markdown, JSON/CSV data and output."""
