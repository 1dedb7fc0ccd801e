"""Step 6: validation of written files (epubcheck), used by the tests and the CLI."""
