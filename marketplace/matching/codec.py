"""The Whoosh codec the index is written with: W3Codec, with cheaper segment writing.

When a segment is written, Whoosh asks for the document's field length once per posting
(to store it in the posting block), and each ask reads the lengths column. A listing has
about 200 postings over a dozen fields, so this writer reads each document's field length
once per field and answers the other asks from memory. The files written are the same
W3 files; reading uses W3Codec's own code.

Each segment pickles its codec, and with it this class by this import path: keep the class
name and module where they are.
"""
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter


class IndexCodec(W3Codec):
    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        super().add_postings(schema, _CachedLengths(lengths) if lengths else lengths, items)


class _CachedLengths:
    """doc_field_length from per-field lists, read once from the segment's lengths column."""

    def __init__(self, reader):
        self._reader = reader
        self._fields = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(n, fieldname, default)
                                                 for n in range(self._reader.doc_count_all())]
        if docnum < len(lengths):
            return lengths[docnum]
        return self._reader.doc_field_length(docnum, fieldname, default)
