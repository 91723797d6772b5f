"""The `tagger` command: a thin layer over the Python API (tagger.api, tagger.batch, tagger.clean).

Exit codes: 0 success; 1 some documents could not be tagged (the others were, and the failures are
listed at the end); 2 the command could not run (bad arguments, invalid data, unusable model).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from tagger.errors import TaggerError
from tagger.taxonomy import DEFAULT_TAXONOMY

EXIT_OK, EXIT_SOME_FAILED, EXIT_ERROR = 0, 1, 2
PINYIN_NOTE = re.compile(r"[(（][a-zü\u00e0-\u01dc]+[)）]?")  # a removed glued-pinyin fragment


def _positive(value: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not >= 1")
    return number


def _default_model() -> Path:
    from tagger.api import DEFAULT_MODEL

    return DEFAULT_MODEL


def cmd_train(args: argparse.Namespace) -> int:
    from tagger.api import Tagger
    from tagger.evaluate import format_report, summary

    what = "the shipped data in labels/"
    if args.data:
        what = ", ".join(args.data) + ("" if args.no_base else f" (weight {args.user_weight:g}) "
                                       "and the shipped data")
    print(f"training on {what}"
          f"{f' with {args.cv}-fold cross-validation' if args.cv >= 2 else ''} ...", file=sys.stderr)
    tagger = Tagger.train(args.data, taxonomy=args.taxonomy, cv=args.cv,
                          skip_invalid=args.skip_invalid, base=not args.no_base,
                          user_weight=args.user_weight)
    path = tagger.save(args.model).path
    counts = tagger.metadata["training_data"]["counts"]
    skipped = tagger.metadata["training_data"]["skipped"]
    if skipped:
        print(f"skipped {len(skipped)} invalid row(s):", file=sys.stderr)
        for problem in skipped:
            print(f"  {problem}", file=sys.stderr)
    print(f"trained on {counts['articles']} articles; model written to {path} "
          f"(metadata: {path.with_suffix('.json')})", file=sys.stderr)
    cv = tagger.metadata.get("cross_validation")
    if cv:
        print(format_report(cv, f"{cv['k']}-fold cross-validation of the model:"), file=sys.stderr)
        print(f"keyword baseline, same folds: {_fmt_summary(summary(cv['baseline']))}",
              file=sys.stderr)
    return EXIT_OK


def _fmt_summary(s: dict) -> str:
    return (f"relief F1 {s['relief_f1']:.3f}, type macro-F1 {s['type_macro_f1']:.3f}, "
            f"actor macro-F1 {s['actor_macro_f1']:.3f}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tagger.api import Tagger
    from tagger.evaluate import format_cooccurrence, format_report, summary

    if args.cv:
        ev = Tagger.cross_validation(args.data, k=args.cv, taxonomy=args.taxonomy,
                                     learning_curve=args.learning_curve)
        ev.title = f"{args.cv}-fold cross-validation on {', '.join(args.data or ['the shipped data'])}"
    else:
        if not args.data:
            raise TaggerError("give --data PATH (held-out labelled data) or --cv K")
        if args.learning_curve:
            raise TaggerError("--learning-curve needs --cv K")
        ev = Tagger.load(args.model).evaluation(args.data)
        ev.title = f"model {args.model} on {', '.join(args.data)}"
    metrics = ev.metrics()
    if args.report:
        from tagger.report import write_report

        written = write_report(ev, Path(args.report))
        print(f"report written: {', '.join(map(str, written))}", file=sys.stderr)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(format_report(metrics, ev.title))
    print()
    print(format_cooccurrence(metrics["cooccurrence"]))
    print(f"model:            {_fmt_summary(summary(metrics))}")
    print(f"keyword baseline: {_fmt_summary(summary(metrics['baseline']))}")
    for point in metrics.get("learning_curve", []):
        print(f"learning curve: {point['train_articles']:>5} training articles -> "
              f"{_fmt_summary(point)}")
    if args.errors:
        print("\nmisclassified (id, label, truth -> prediction, score, text):")
        for e in ev.errors():
            print(f"  {e['id']}\t{e['label']}\t{e['true']:d} -> {e['predicted']:d}\t"
                  f"{e['score']:.3f}\t{e['excerpt']}")
    return EXIT_OK


def _report_failures(failures: list, what: str = "tagged") -> int:
    if not failures:
        return EXIT_OK
    print(f"\n{len(failures)} document(s) could not be {what}:", file=sys.stderr)
    for f in failures:
        print(f"  {f}", file=sys.stderr)
    return EXIT_SOME_FAILED


def _errors_path(args: argparse.Namespace) -> Path | None:
    if args.errors:
        return Path(args.errors)
    if args.output not in (None, "-"):
        return Path(f"{args.output}.errors.jsonl")
    return None


def cmd_predict(args: argparse.Namespace) -> int:
    from tagger.api import Tagger
    from tagger.batch import run_batch
    from tagger.output import RecordSink, format_for

    tagger = Tagger.load(args.model)  # a bad model fails before any output is touched
    fmt = format_for(args.output, args.format, sys.stdout.isatty())
    sink = RecordSink(args.output, fmt, tagger.taxonomy, resume=args.resume, stream=sys.stdout)
    errors_path = _errors_path(args)
    errors, reported = None, set()
    if args.resume and errors_path and errors_path.exists():  # listed by the interrupted run
        reported = {json.loads(line)["id"] for line in
                    errors_path.read_text(encoding="utf-8").splitlines() if line.strip()}
    if errors_path:
        errors_path.parent.mkdir(parents=True, exist_ok=True)
        errors = open(errors_path, "a" if args.resume else "w", encoding="utf-8")

    def on_failure(failure) -> None:
        if errors and failure.id not in reported:
            errors.write(json.dumps({"id": failure.id, "reason": failure.reason},
                                    ensure_ascii=False) + "\n")
            errors.flush()

    complete = False
    try:
        result = run_batch(args.model, args.inputs, sink.write_many, jobs=args.jobs,
                           dask=args.dask, explain=args.explain, skip_ids=sink.done,
                           text_column=args.text_column, id_column=args.id_column,
                           on_failure=on_failure, progress=not args.quiet, tagger=tagger)
        complete = True
    finally:
        sink.close(complete)
        if errors:
            errors.close()
    if not (result.tagged or result.skipped or result.failures):
        print(f"tagger predict: no documents found in {' '.join(args.inputs)} "
              "(.txt/.html files, or .csv/.jsonl/.parquet tables)", file=sys.stderr)
    elif not args.quiet:
        print(f"tagged {result.tagged} document(s)"
              + (f", {result.skipped} already in the output" if result.skipped else "")
              + (f"; failures listed in {errors_path}" if errors_path and result.failures else ""),
              file=sys.stderr)
    return _report_failures(result.failures)


def cmd_explain(args: argparse.Namespace) -> int:
    from tagger.api import Tagger
    from tagger.batch import run_batch
    from tagger.explain import render

    tagger = Tagger.load(args.model)

    def write(records: list[dict]) -> None:
        for record in records:
            if args.json:
                print(json.dumps(record, ensure_ascii=False))
            else:
                render(record, record["id"], tagger)

    result = run_batch(args.model, args.inputs, write, explain=True, tagger=tagger)
    return _report_failures(result.failures)


def cmd_suggest(args: argparse.Namespace) -> int:
    from tagger.api import Tagger
    from tagger.data import read_labelled
    from tagger.suggest import suggest

    tagger = Tagger.load(args.model)
    excluded = []
    if args.exclude:
        excluded = read_labelled(args.exclude, tagger.taxonomy)["text"].tolist()
    rows = suggest(tagger, args.inputs, n=args.n, exclude=excluded,
                   text_column=args.text_column, id_column=args.id_column)
    fmt = args.format or ("csv" if (args.output or "").endswith(".csv") else "jsonl")
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["id", "text", "relief", "type", "actor", "uncertainty", "reason"])
        for r in rows:
            writer.writerow([r["id"], r["text"], r["relief"], ";".join(r["type"]),
                             ";".join(r["actor"]), r["uncertainty"], r["reason"]])
        text = buf.getvalue()
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        _write_atomic(args.output, text)
    print(f"suggested {len(rows)} article(s) to label; correct relief/type/actor and train with "
          "`tagger train --data FILE`", file=sys.stderr)
    return EXIT_OK


def cmd_label_studio(args: argparse.Namespace) -> int:
    from tagger import labelstudio

    if args.action == "config":
        from tagger.taxonomy import load_taxonomy

        print(labelstudio.config(load_taxonomy(args.taxonomy)))
        return EXIT_OK
    if args.action == "export":
        from tagger.api import Tagger
        from tagger.batch import Failure, clean_document
        from tagger.sources import iter_documents

        tagger = Tagger.load(args.model)
        docs, failures = [], []
        for doc_id, raw in iter_documents(args.inputs, args.text_column, args.id_column):
            text = clean_document(doc_id, raw)
            if isinstance(text, Failure):
                failures.append(text)
            else:
                docs.append((doc_id, text))
        data = json.dumps(labelstudio.tasks(tagger, docs), ensure_ascii=False, indent=1)
        _write_atomic(args.output, data)
        print(f"{len(docs)} task(s) written to {args.output}", file=sys.stderr)
        return _report_failures(failures, "exported")
    from tagger.taxonomy import load_taxonomy

    rows, skipped = labelstudio.import_export(Path(args.export), load_taxonomy(args.taxonomy))
    _write_atomic(args.output, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} labelled article(s) written to {args.output}"
          + (f"; {len(skipped)} task(s) skipped:" if skipped else ""), file=sys.stderr)
    for note in skipped:
        print(f"  {note}", file=sys.stderr)
    return EXIT_OK


def _write_atomic(path: str, text: str) -> None:
    from tagger.api import atomic_write_bytes

    atomic_write_bytes(Path(path), lambda fh: fh.write(text.encode("utf-8")))


def cmd_clean(args: argparse.Namespace) -> int:
    from tagger.clean import clean
    from tagger.sources import expand_inputs, read_document_any

    failures = []
    for item in expand_inputs(args.inputs):
        try:
            raw, encoding = read_document_any(item)
        except TaggerError as exc:
            failures.append(exc)
            continue
        result = clean(raw)
        name = str(item)
        if args.verbose:
            print(f"{name}: encoding {encoding}", file=sys.stderr)
        if not result.text.strip():
            failures.append(f"{name}: empty after cleaning (no article text found)")
            continue
        if args.format == "jsonl":
            print(json.dumps({"id": name, "text": result.text}, ensure_ascii=False))
        else:
            print(f"==> {name} <==")
            print(result.text)
            if args.diff:
                pinyin = [r for r in result.removed if PINYIN_NOTE.fullmatch(r)]
                for line in result.removed:
                    if not PINYIN_NOTE.fullmatch(line):
                        print(f"- {line}")
                if pinyin:
                    print(f"- {len(pinyin)} pinyin annotation(s): {' '.join(pinyin[:8])}"
                          f"{' ...' if len(pinyin) > 8 else ''}")
            print()
    return _report_failures(failures, "cleaned")


def _add_model(p: argparse.ArgumentParser, role: str) -> None:
    p.add_argument("--model", type=Path, default=_default_model(), metavar="PATH",
                   help=f"{role} (default: models/tagger.model)")


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help=".txt/.html files, directories (every document below), globs, tables "
                        "(.csv/.jsonl/.parquet), or - for stdin")


def _add_taxonomy(p: argparse.ArgumentParser, role: str = "taxonomy file") -> None:
    p.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY, metavar="PATH",
                   help=f"{role} (default: labels/taxonomy.toml)")


def _add_table_columns(p: argparse.ArgumentParser) -> None:
    p.add_argument("--text-column", default="text", metavar="NAME",
                   help="text column of table inputs (default: text)")
    p.add_argument("--id-column", default="id", metavar="NAME",
                   help="id column of table inputs (default: id; else file:row)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tagger",
        description="Tag Chinese articles about poverty relief (扶贫): relief, type of help, actor.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("train", help="train a model on labelled data",
                       description="Train a model and write it with a metadata file beside it.")
    p.add_argument("--data", nargs="+", metavar="PATH",
                   help="your labelled JSONL/CSV files, added to the shipped data in labels/")
    p.add_argument("--no-base", action="store_true",
                   help="train on --data only, without the shipped data")
    p.add_argument("--user-weight", type=float, default=3.0, metavar="W",
                   help="weight of an article from --data against a shipped one (default: 3)")
    _add_model(p, "where to write the model")
    p.add_argument("--cv", type=int, default=5, metavar="K",
                   help="folds of cross-validation recorded in the metadata; 0 skips it (default: 5)")
    _add_taxonomy(p)
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid rows (and list them) instead of stopping")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a model on held-out data, or cross-validate",
                       description="Score a trained model on held-out labelled data (--data), or "
                                   "cross-validate the model on labelled data (--cv K). The keyword "
                                   "baseline is scored on the same articles.")
    p.add_argument("--data", nargs="+", metavar="PATH", help="labelled JSONL/CSV files")
    _add_model(p, "model to score")
    p.add_argument("--cv", type=int, metavar="K",
                   help="K-fold cross-validation on --data (default data: the shipped data)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--learning-curve", action="store_true",
                   help="with --cv: also score models trained on growing shares of the folds")
    p.add_argument("--report", metavar="DIR",
                   help="write report.md and report.html with tables and plots to DIR")
    p.add_argument("--errors", action="store_true",
                   help="list the misclassified articles with their scores")
    _add_taxonomy(p, "taxonomy file for --cv")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="tag documents",
                       description="Tag documents: .txt/.html files, directories, globs, tables "
                                   "(.csv/.jsonl/.parquet, one article per row) or - for stdin. One "
                                   "record per article, in input order, streamed chunk by chunk.")
    _add_inputs(p)
    _add_model(p, "model file")
    p.add_argument("--format", choices=("table", "jsonl", "csv", "parquet"),
                   help="output format (default: from --output's suffix; table on a terminal, "
                        "else jsonl)")
    p.add_argument("--output", metavar="PATH",
                   help="write to a file (through PATH.part, renamed when complete)")
    _add_table_columns(p)
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes (default: all cores); output order does not depend on it")
    p.add_argument("--resume", action="store_true",
                   help="skip articles whose id is already in --output and append the rest")
    p.add_argument("--errors", metavar="PATH",
                   help="JSONL of documents that could not be tagged (default: OUTPUT.errors.jsonl)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on a Dask cluster (scheduler address, or 'local' for a LocalCluster)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--explain", action="store_true",
                   help="add evidence per label (top terms, supporting sentences) and the "
                        "organisations named")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("explain", help="show why each label was given",
                       description="Tag documents and show, per label, the terms that decided it, "
                                   "the sentences that support it and the organisations named.")
    _add_inputs(p)
    _add_model(p, "model file")
    p.add_argument("--json", action="store_true", help="print JSON records instead of the view")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("suggest", help="pick the articles most worth labelling next",
                       description="Pick the N articles whose labels the model is least sure of, "
                                   "favouring ones typical of the corpus and spread over it "
                                   "(near-duplicates of picked or already "
                                   "labelled articles skipped). Writes id, text, the model's labels "
                                   "and why each was picked; correct the labels and train on them.")
    _add_inputs(p)
    _add_model(p, "model file")
    p.add_argument("-n", type=_positive, default=50, metavar="N", help="how many (default: 50)")
    p.add_argument("--output", metavar="PATH", help="write to a file instead of stdout")
    p.add_argument("--format", choices=("jsonl", "csv"),
                   help="jsonl, or csv with one column per facet for spreadsheets "
                        "(default: from --output's suffix, else jsonl)")
    p.add_argument("--exclude", nargs="+", metavar="LABELLED",
                   help="labelled JSONL/CSV files whose articles (and their near-duplicates) "
                        "are not suggested again")
    _add_table_columns(p)
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("label-studio", help="Label Studio config, tasks and import",
                       description="Work with Label Studio: print a labelling config, export "
                                   "tasks with the model's predictions as pre-annotations, import "
                                   "an annotated export as labelled JSONL.")
    ls = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = ls.add_parser("config", help="print the labelling config (XML)")
    _add_taxonomy(q)
    q = ls.add_parser("export", help="write import-ready tasks with pre-annotations")
    _add_inputs(q)
    _add_model(q, "model file")
    q.add_argument("--output", required=True, metavar="PATH", help="tasks JSON file")
    _add_table_columns(q)
    q = ls.add_parser("import", help="turn a Label Studio JSON export into labelled JSONL")
    q.add_argument("export", metavar="EXPORT.json")
    q.add_argument("--output", required=True, metavar="PATH", help="labelled JSONL file")
    _add_taxonomy(q)
    for q in ls.choices.values():
        q.set_defaults(func=cmd_label_studio)

    p = sub.add_parser("clean", help="show the clean text the model sees",
                       description="Print each document as cleaned before tagging.")
    _add_inputs(p)
    p.add_argument("--diff", action="store_true", help="also list what was removed")
    p.add_argument("--format", choices=("text", "jsonl"), default="text",
                   help="text (default) or jsonl ({\"id\", \"text\"} per document)")
    p.add_argument("--verbose", action="store_true", help="report each file's detected encoding")
    p.set_defaults(func=cmd_clean)
    return parser


def cli_reference() -> str:
    """Markdown of every command's --help, for the README (scripts/update_readme.py)."""
    import os

    os.environ["COLUMNS"] = "100"  # argparse wraps help text to the terminal width: fix it
    parser = build_parser()
    parts = ["```text\n$ tagger --help\n" + parser.format_help() + "```"]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        parts.append(f"```text\n$ tagger {name} --help\n{command.format_help()}```")
    return "\n\n".join(parts)


def _version() -> str:
    from tagger import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except TaggerError as exc:
        print(f"tagger {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"tagger {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
