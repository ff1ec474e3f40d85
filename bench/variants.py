"""Pairing techniques tried against the enterprise-language gap, measured without changing the matcher.

    python -m bench.variants [--data DIR] [--quick]

Each variant re-ranks with the matcher's own pieces (matcher.pair_terms, ranking.top_docs, the same-field
bonus) over the indexes of bench.tune, on both sets, and prints recall@10, MRR and the pairing time per
demand (median of the two sets' per-demand means; the grid runs for minutes on a shared machine, so use
`--cost K,N,A` for a fair cost comparison: base and PRF alternately, medians). Writes
bench/results/variants.json. Parameters are
chosen on the main split (the dev set): the PRF row "chosen on main" is the grid point with the best
main MRR (ties: main recall, then the cheaper setting); the paraphrase set is held out and only reported.

- prf: pseudo-relevance feedback, RM3-style. The first pass's top `k` counterparts (weighted by their
  share of the top-k score) give each whole word a relevance sum_d w_d * tf(t, d) / |d|; the `n` best
  words by relevance x idf that the query does not already have (and that pass the common-term cap) are
  added to the query's words at weight `a` x relevance / best relevance; then a second pass.
- rrf: reciprocal-rank fusion of separate rankings (words+sub-words+glossary, bigrams, single characters, and
  optionally the summed BM25F ranking) instead of one summed BM25F.
- pool idf: each clause's idf taken in the counterpart pool (the other kind) instead of the whole index
  (boost x pool idf / index idf, to a power).
None of these is in the matcher (see the README's evaluation section for why).
"""
import argparse
import itertools
import math
import statistics
import time
from collections import Counter

from .common import write_json
from .evaluate import DEFAULT_DATA, scores
from .tune import TOP_K, Bench

SCOPE_OF = {"demand": (("kind", "achievement"), ("status", "published")),
            "achievement": (("kind", "demand"), ("status", "published"))}


class Context:
    """One set's searcher and documents, with the per-run caches a production run would keep too."""

    def __init__(self, searcher, counterparts):
        self.searcher, self.counterparts = searcher, counterparts  # lid -> document of the other kind
        self.words, self.pool = {}, None

    def words_of(self, lid):
        from marketplace.matching import matcher
        from marketplace.matching.analysis import whole_terms

        found = self.words.get(lid)
        if found is None:
            found = self.words[lid] = Counter(whole_terms(matcher._text(self.counterparts[lid])))
        return found

    def pool_df(self):
        from marketplace.matching import matcher
        from marketplace.matching.analysis import bigrams, part_terms, whole_terms

        if self.pool is None:
            df = Counter()
            for doc in self.counterparts.values():
                for name in ("title", "keywords", "body"):
                    df.update((name, t) for t in set(whole_terms(doc[name])))
                df.update(("parts", t) for t in set(part_terms(matcher._text(doc))))
                df.update(("grams", t) for t in set(bigrams(doc["grams"])))
            self.pool = (df, len(self.counterparts))
        return self.pool


def _ranked(ctx, kind, doc, clauses, limit):
    """[Pairing] best first for clauses, with the same-field bonus and normalisation of matcher.pair."""
    from marketplace.matching import matcher, ranking

    top, _ = ranking.top_docs(ctx.searcher, clauses, SCOPE_OF[kind], 2 * limit + 10)
    results = [(ctx.searcher.stored_fields(docnum), score) for score, docnum in top]
    return matcher._pairings(ctx.searcher, doc, clauses, results, limit, ())


def base(ctx, kind, doc, limit):
    from marketplace.matching import matcher

    return matcher.pair(ctx.searcher, kind, doc, limit)


def prf(ctx, kind, doc, limit, k=5, n=10, a=0.2):
    from marketplace.matching import matcher

    searcher = ctx.searcher
    query = matcher.pair_terms(searcher, doc)
    first = matcher.pair(searcher, kind, doc, max(limit, k), query=query)
    if not first:
        return first
    feedback = first[:k]
    total = max(searcher.doc_count_all(), 1)
    common = matcher._idf(total, matcher.MAX_DOC_SHARE * total) if total >= 1000 else -1.0
    have = {term for term, _ in query.words}
    mass = sum(p.raw for p in feedback) or 1.0
    relevance = Counter()
    for pairing in feedback:
        counts = ctx.words_of(pairing.listing_id)
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            relevance[term] += pairing.raw / mass * count / length
    candidates = []
    for term, value in relevance.items():
        idf = matcher._idf(total, searcher.doc_frequency("body", term) + searcher.doc_frequency("title", term))
        if term not in have and idf > common:
            candidates.append((term, value * idf))
    candidates.sort(key=lambda item: (-item[1], item[0]))
    candidates = candidates[:n]
    if not candidates:
        return first[:limit]
    best = candidates[0][1]
    expanded = matcher.PairQuery(query.words + [(t, a * v / best) for t, v in candidates], query.grams,
                                 query.expansions, query.chars)
    return matcher.pair(searcher, kind, doc, limit, query=expanded)


def rrf(ctx, kind, doc, limit, c=60, lists=("words", "grams"), depth=100):
    from marketplace.matching import matcher

    query = matcher.pair_terms(ctx.searcher, doc)
    views = {"words": matcher.PairQuery(query.words, [], query.expansions).clauses(),
             "grams": matcher.PairQuery([], query.grams, []).clauses(),
             "chars": matcher.PairQuery([], [], [], query.chars).clauses(), "all": query.clauses()}
    fused = Counter()
    for name in lists:
        for rank, pairing in enumerate(_ranked(ctx, kind, doc, views[name], depth), start=1):
            fused[pairing.listing_id] += 1.0 / (c + rank)
    order = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [matcher.Pairing("", lid, value, value) for lid, value in order]


def pool_idf(ctx, kind, doc, limit, power=1.0):
    from marketplace.matching import matcher

    df, size = ctx.pool_df()
    clauses = []
    for name, term, boost in matcher.pair_terms(ctx.searcher, doc).clauses():
        if ctx.searcher.doc_frequency(name, term):
            pooled = max(math.log(size / (df[(name, term)] + 1)) + 1, 0.0)
            clauses.append((name, term, boost * (pooled / ctx.searcher.idf(name, term)) ** power))
    return _ranked(ctx, kind, doc, clauses, limit)


def evaluate(bench, fn, **params):
    out = {}
    for name, (ix, docs, ach_rows, dem_rows, pair_rows) in bench.sets.items():
        ach_id = {r.title: r.id for r in ach_rows}
        dem_id = {r.title: r.id for r in dem_rows}
        counterparts = {doc["lid"]: doc for (kind, _), doc in docs.items() if kind == "achievement"}
        ranks, took = [], []
        with ix.searcher() as searcher:
            ctx = Context(searcher, counterparts)
            for demand_title, achievement_title in pair_rows:
                doc = docs[("demand", dem_id[demand_title])]
                started = time.perf_counter()
                found = fn(ctx, "demand", doc, TOP_K, **params)
                took.append(time.perf_counter() - started)
                ids = [p.listing_id for p in found]
                target = ach_id[achievement_title]
                ranks.append(ids.index(target) + 1 if target in ids else None)
        out[name] = {**scores(ranks, 10), "ms": 1000 * statistics.mean(took)}
    out["ms"] = statistics.median(out[name]["ms"] for name in bench.sets)
    return out


def cost(bench, params, repeat):
    evaluate(bench, base)  # warm-up
    times = {"base": [], "prf": []}
    for _ in range(repeat):
        times["base"].append(evaluate(bench, base)["ms"])
        times["prf"].append(evaluate(bench, prf, **params)["ms"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"ms per pairing, median of {repeat}: base {medians['base']:.1f}, prf {params} {medians['prf']:.1f} "
          f"(x{medians['prf'] / medians['base']:.2f}); all runs {times}")
    return medians


def prf_grid(quick):
    if quick:
        return [dict(k=k, n=n, a=a) for k, n, a in itertools.product((3, 5), (10, 20), (0.2, 0.4))]
    return [dict(k=k, n=n, a=a) for k, n, a in itertools.product((3, 5, 10), (5, 10, 20), (0.1, 0.2, 0.3, 0.4))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="a smaller PRF grid")
    parser.add_argument("--cost", metavar="K,N,A", help="only time the base pairing against PRF(k, n, a), "
                        "alternately, --repeat times each; prints the medians of ms per pairing")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    bench = Bench(args.data)
    if args.cost:
        k, n, a = args.cost.split(",")
        return cost(bench, dict(k=int(k), n=int(n), a=float(a)), args.repeat)
    rows = []
    header = f"{'variant':<44}{'main R@10':>10}{'main MRR':>10}{'para R@10':>10}{'para MRR':>10}{'ms/pair':>9}"
    print(header, flush=True)

    def show(label, result):
        m, p = result["main"], result["paraphrase"]
        print(f"{label:<44}{m['recall_at_k']:>10.3f}{m['mrr']:>10.4f}{p['recall_at_k']:>10.3f}{p['mrr']:>10.4f}"
              f"{result['ms']:>9.1f}", flush=True)
        rows.append({"variant": label, **result})
        return result

    evaluate(bench, base)  # warm the caches (segmenter, lengths, masks) before timing anything
    show("v2 matcher (base)", evaluate(bench, base))
    grid = []
    for params in prf_grid(args.quick):
        result = show("prf " + " ".join(f"{k}={v}" for k, v in params.items()), evaluate(bench, prf, **params))
        grid.append((params, result))
    params, result = max(grid, key=lambda item: (item[1]["main"]["mrr"], item[1]["main"]["recall_at_k"],
                                                  -item[0]["k"], -item[0]["n"]))
    show("prf chosen on main: " + " ".join(f"{k}={v}" for k, v in params.items()), result)
    for lists in (("words", "grams", "chars"), ("all", "words", "grams", "chars")):
        for c in (5, 20, 60):
            show(f"rrf {'+'.join(lists)} c={c}", evaluate(bench, rrf, c=c, lists=lists))
    for power in (0.5, 1.0):
        show(f"pool idf power={power}", evaluate(bench, pool_idf, power=power))
    print("written to", write_json("variants.json", rows))


if __name__ == "__main__":
    main()
