"""Pairing ablation on the dev data without the app: the matcher's own code over a Whoosh index.

    python -m bench.tune [--data DIR] [--set KNOB=VALUE ...] [--grid KNOB=V1,V2,... ...] [--ablation]

Builds one index per evaluation set in a temp directory (all achievements plus that set's
demands, as `bench.evaluate` imports them), pairs every demand with `matcher.pair` exactly as
the services do, and prints recall@10 and MRR on the main split and on the enterprise-language
set. `--set PAIR_GRAMS_WEIGHT=0` changes a module-level knob of marketplace.matching.matcher;
`--grid` runs every combination of the knobs' values and marks the one chosen on the main split alone (best
main recall@10, then main MRR, then the smaller values: the paraphrase set stays held out);
`--ablation` runs the table of the README (each technique switched off in turn).
Also returns the (score, is_true) of every proposal, from which bench.calibrate builds the
strength table.
"""
import argparse
import os
import tempfile
from types import SimpleNamespace

from whoosh import index as whoosh_index

from .evaluate import DEFAULT_DATA, SETS, read_csv, scores

TOP_K = 20


def _rows(data_dir, demands_path):
    achievements = read_csv(os.path.join(data_dir, "achievements.csv"))
    demands = read_csv(demands_path)
    ach_rows = [SimpleNamespace(id=i, title=r["title"], keywords=",".join(r.get("keywords", "").split("、")),
                                field=r["field"], status="published", updated_at=None, published_at=None,
                                organization="", summary=r["summary"], description="", type="", maturity="")
                for i, r in enumerate(achievements, start=1)]
    dem_rows = [SimpleNamespace(id=i, title=r["title"], keywords="", field=r["field"], status="published",
                                updated_at=None, published_at=None, organization="", description=r["description"],
                                indicators="", is_challenge=False)
                for i, r in enumerate(demands, start=1)]
    return ach_rows, dem_rows


def build(directory, ach_rows, dem_rows):
    from marketplace.matching.documents import make_schema, to_document

    ix = whoosh_index.create_in(directory, make_schema())
    writer = ix.writer(limitmb=256)
    docs = {}
    for kind, rows in (("achievement", ach_rows), ("demand", dem_rows)):
        for row in rows:
            doc = to_document(kind, row)
            docs[(kind, row.id)] = doc
            writer.add_document(**doc)
    writer.commit()
    return ix, docs


def run_set(ix, docs, ach_rows, dem_rows, pairs):
    from marketplace.matching import matcher

    ach_id = {r.title: r.id for r in ach_rows}
    dem_id = {r.title: r.id for r in dem_rows}
    ranks, labelled = [], []
    with ix.searcher() as searcher:
        for demand_title, achievement_title in pairs:
            doc = docs[("demand", dem_id[demand_title])]
            found = matcher.pair(searcher, "demand", doc, TOP_K)
            target = ach_id[achievement_title]
            ids = [p.listing_id for p in found]
            ranks.append(ids.index(target) + 1 if target in ids else None)
            labelled.extend((p.score, p.listing_id == target) for p in found)
    return ranks, labelled


class Bench:
    """The indexes of both sets, built once; `evaluate()` re-runs the pairing with current knobs."""

    def __init__(self, data_dir):
        self.tmp = tempfile.TemporaryDirectory(prefix="yizhi-tune-")
        self.sets = {}
        for name, demands, pairs in SETS:
            ach_rows, dem_rows = _rows(data_dir, os.path.join(data_dir, demands))
            directory = os.path.join(self.tmp.name, name)
            os.makedirs(directory)
            ix, docs = build(directory, ach_rows, dem_rows)
            pair_rows = [(p["demand_title"], p["achievement_title"]) for p in read_csv(os.path.join(data_dir, pairs))]
            self.sets[name] = (ix, docs, ach_rows, dem_rows, pair_rows)

    def evaluate(self, k=10):
        out, labelled = {}, {}
        for name, (ix, docs, ach_rows, dem_rows, pair_rows) in self.sets.items():
            ranks, labelled[name] = run_set(ix, docs, ach_rows, dem_rows, pair_rows)
            out[name] = scores(ranks, k)
        return out, labelled


def set_knobs(knobs):
    from marketplace.matching import matcher

    previous = {}
    for name, value in knobs.items():
        previous[name] = getattr(matcher, name)
        setattr(matcher, name, value)
    return previous


ABLATION = (
    ("v2 matcher (all techniques)", {}),
    ("- character bigrams", {"PAIR_GRAMS_WEIGHT": 0.0}),
    ("- single characters (title and keywords)", {"PAIR_CHARS_WEIGHT": 0.0}),
    ("- sub-word field", {"PAIR_PARTS_WEIGHT": 0.0}),
    ("- glossary expansion", {"PAIR_EXPANSION_WEIGHT": 0.0}),
    ("- same-field bonus", {"SAME_FIELD_BONUS": 0.0}),
    ("- tf weighting (all terms weight 1)", {"TF_WEIGHTING": False}),
    ("- common-term cap (keep all terms)", {"MAX_DOC_SHARE": 1.0}),
    ("words only (v1-like: 32 terms)", {"PAIR_GRAMS_WEIGHT": 0.0, "PAIR_PARTS_WEIGHT": 0.0, "PAIR_CHARS_WEIGHT": 0.0,
                                         "PAIR_EXPANSION_WEIGHT": 0.0, "TF_WEIGHTING": False,
                                         "MAX_PAIR_TERMS": 32, "MAX_DOC_SHARE": 0.1}),
)


def ablation(bench):
    rows = []
    for label, knobs in ABLATION:
        previous = set_knobs(knobs)
        try:
            result, _ = bench.evaluate()
        finally:
            set_knobs(previous)
        rows.append((label, result))
    return rows


def print_rows(rows):
    width = max(40, *(len(label) + 2 for label, _ in rows))
    print(f"{'variant':<{width}}{'main R@10':>10}{'main MRR':>10}{'para R@10':>10}{'para MRR':>10}")
    for label, result in rows:
        m, p = result["main"], result["paraphrase"]
        print(f"{label:<{width}}{m['recall_at_k']:>10.4f}{m['mrr']:>10.4f}{p['recall_at_k']:>10.4f}{p['mrr']:>10.4f}")


def grid(bench, axes):
    """[(label, result)] for every combination of {knob: [values]}, the main split's choice marked last."""
    import itertools

    rows = []
    for values in itertools.product(*axes.values()):
        knobs = dict(zip(axes, values))
        previous = set_knobs(knobs)
        try:
            result, _ = bench.evaluate()
        finally:
            set_knobs(previous)
        rows.append((" ".join(f"{k}={v}" for k, v in knobs.items()), result, values))
    label, result, _ = max(rows, key=lambda row: (row[1]["main"]["recall_at_k"], row[1]["main"]["mrr"],
                                                  tuple(-v for v in row[2])))
    return [(label, result) for label, result, _ in rows] + [("chosen on main: " + label, result)]


def _value(text):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE")
    parser.add_argument("--grid", action="append", default=[], metavar="KNOB=V1,V2,...")
    parser.add_argument("--ablation", action="store_true")
    args = parser.parse_args(argv)
    bench = Bench(args.data)
    if args.ablation:
        rows = ablation(bench)
    elif args.grid:
        rows = grid(bench, {k: [_value(v) for v in values.split(",")]
                            for k, values in (item.split("=", 1) for item in args.grid)})
    else:
        set_knobs({k: _value(v) for k, v in (item.split("=", 1) for item in args.set)})
        rows = [("current knobs" + (" " + " ".join(args.set) if args.set else ""), bench.evaluate()[0])]
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
