"""The Whoosh codec the index is written with: W3Codec, with cheaper segment writing.

When a segment is written, Whoosh asks for the document's field length once per posting
(to store it in the posting block), and each ask reads the lengths column. A listing has
about 200 postings over a dozen fields, so this writer reads each document's field length
once per field and answers the other asks from memory. And when the postings come from the
rebuild's TermPool (`pool.SortedPostings`), each term's list is put into the posting blocks
a block at a time instead of through five Python calls per posting (17 million postings at
100,000 listings). The files written are the same W3 files, byte for byte
(tests/test_search_rebuild_cost.py); reading uses W3Codec's own code.

Each segment pickles its codec, and with it this class by this import path: keep the class
name and module where they are.
"""
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter


class IndexCodec(W3Codec):
    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        lengths = _CachedLengths(lengths) if lengths else lengths
        if hasattr(items, "by_term"):
            self._add_terms(schema, lengths, items.by_term())
        else:
            super().add_postings(schema, lengths, items)

    def _add_terms(self, schema, lengths, terms):
        """base.FieldWriter.add_postings for whole posting lists sorted by (field, term): the same calls to
        start_field/start_term/finish_term/finish_field, and each list added to the postings writer's block
        buffer a block at a time with the statistics add_posting keeps (W3PostingsWriter)."""
        lastfn = None
        for fieldname, btext, postings in terms:
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field_lengths = lengths.field(fieldname) if lengths else None
                lastfn = fieldname
            self.start_term(btext)
            writer = self._postwriter
            limit = writer._blocklimit
            for start in range(0, len(postings), limit):
                if len(writer._ids) >= limit:
                    writer._write_block()
                chunk = postings[start:start + limit]
                ids = [docnum for docnum, _, _ in chunk]
                weights = [weight for _, weight, _ in chunk]
                writer._ids.extend(ids)
                writer._weights.extend(weights)
                writer._maxweight = max(writer._maxweight, max(weights))
                writer._values.extend(vbytes for _, _, vbytes in chunk if vbytes)
                if field_lengths is not None:
                    known = [field_lengths[docnum] for docnum in ids]
                    known = [length for length in known if length]
                    if known:
                        low = min(known)
                        if writer._minlength is None or low < writer._minlength:
                            writer._minlength = low
                        writer._maxlength = max(writer._maxlength, max(known))
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


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

    def field(self, fieldname):
        """The lengths of one field, by docnum (0 when none is recorded), for every document of the segment."""
        self.doc_field_length(0, fieldname, 0)
        return self._fields[fieldname]
