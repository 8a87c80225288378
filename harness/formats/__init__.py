"""Readers for the files a cassette comes in, one job per module; ``harness.cassette`` is the entry.

``files`` reads a path safely (regular files only, never blocking, within the size limit, gzip files
inflated); ``sniff`` says which reader a file's name and first bytes call for; ``vcr_yaml``,
``vcr_json``, ``vcr``, ``har``, ``nock`` and ``raw`` turn a document into exchanges; ``bodies`` decodes
content codings; ``secrets`` flags and scrubs credentials; ``interaction`` holds what the readers share
(headers, bodies, statuses); ``model`` the ``Cassette`` they fill; ``limits`` the numbers that bound
all of it. Nothing here raises on a file's content: whatever is wrong becomes a finding.
"""
