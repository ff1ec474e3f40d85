"""The rebuild's writers with an in-memory posting pool grouped by term (issue #15: the rebuild's speed).

Whoosh's PostingPool keeps one (field, term, docnum, weight, value) tuple per posting, sorts them all, and past
INDEX_LIMITMB (its estimate of their size) pickles every posting to temporary runs, reads them back and merges
them: at 100,000 listings, 8.5 million postings per writer process, a fifth of the rebuild's CPU time went to
that. `TermPool` appends each posting to its term's list (documents arrive in docnum order, so each list is
already sorted) and sorts only the distinct terms at the end: the same postings in the same order, without the
runs, in less memory (about 70 bytes a posting). `writer(ix, procs, **options)` is `ix.writer(...)` with it.
"""
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter


class TermPool:
    """What SegmentWriter asks of its pool: add, iter_postings (sorted), fieldnames, cleanup."""

    def __init__(self):
        self._postings = {}
        self._shared = {}  # equal weights and value bytes recur: keep one object of each
        self.fieldnames = set()

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self._postings.get(key)
        if postings is None:
            postings = self._postings[key] = []
            self.fieldnames.add(fieldname)
        shared = self._shared
        postings.append((docnum, shared.setdefault(weight, weight), shared.setdefault(vbytes, vbytes)))

    def iter_postings(self):
        return SortedPostings(self._postings)

    def cleanup(self):
        self._postings, self._shared = {}, {}


class SortedPostings:
    """The pool's postings sorted by (field, term): iterated, the (fieldname, tbytes, docnum, weight, vbytes)
    stream every Whoosh field writer takes; `by_term()`, each term's list whole (codec.py writes it a
    block at a time)."""

    def __init__(self, postings):
        self._postings = postings

    def by_term(self):
        for key in sorted(self._postings):
            yield key[0], key[1], self._postings[key]

    def __iter__(self):
        for fieldname, tbytes, postings in self.by_term():
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes


def _with_term_pool(writer):
    writer.pool = TermPool()
    return writer


class _SubWriterTask(SubWriterTask):
    """Whoosh's sub-writer process (multisegment only), writing through a TermPool."""

    def run(self):
        writer = self.writer = _with_term_pool(SegmentWriter(self.storage.open_index(self.indexname), _lk=False,
                                                             **self.kwargs))
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
        else:
            fieldnames = writer.pool.fieldnames
            segment = writer._finalize_segment()
            self.resultqueue.put((None, fieldnames, segment), timeout=5)


class _MpWriter(MpWriter):
    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def writer(ix, procs, **options):
    """A writer of ix with TermPools: one segment per process when procs > 1 (multisegment), else one."""
    if procs > 1:
        return _with_term_pool(_MpWriter(ix, procs=procs, multisegment=True, **options))
    return _with_term_pool(SegmentWriter(ix, **options))
