"""Server-rendered HTML: the OAuth pages and the QuickBooks-like viewer. No JavaScript."""
