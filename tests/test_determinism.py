"""Same manuscript and SOURCE_DATE_EPOCH: byte-identical EPUB and PDF."""

from __future__ import annotations


def test_two_builds_byte_identical(edition, edition_again) -> None:
    assert edition.pdf.read_bytes() == edition_again.pdf.read_bytes()
    assert edition.epub.read_bytes() == edition_again.epub.read_bytes()
