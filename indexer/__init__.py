"""Clean news articles and build a Whoosh index; the search core shared by the web app and the CLI."""
