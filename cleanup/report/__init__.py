"""What editors read: the self-contained HTML report (html.py, assets/), the Markdown summary
for a merge request (markdown.py) and one article's diff in the terminal (terminal.py)."""
