#!/usr/bin/env python3
"""Run datatrove's SentenceDedup (signature -> find dedups -> filter) on one JSONL file.

    datatrove_run.py INPUT.jsonl OUTPUT.jsonl --work DIR [--mode sentence|line]
                     [--n-sentences 3] [--group-field site]

All three stages run in this one process (LocalPipelineExecutor, tasks=1,
workers=1), so `/usr/bin/time` around this script measures the whole pipeline.

Grouping: datatrove's SentenceDedup has no notion of a group; it dedups the whole
input as one pool. By default this script runs it that way, as shipped. With
`--group-field FIELD` a two-line subclass salts every span hash with the record's
FIELD value, which makes the dedup per group in one pass (not stock datatrove).

Config: `SentenceDedupSignature` is given `config=` explicitly (it dereferences
`config.hash_config` before defaulting, so `config=None` crashes). The same config
is passed to all three stages. `min_doc_words=0` and `min_num_sentences=0` so the
filter only cuts spans and never drops a document for being short afterwards (the
comparison is about cutting boilerplate, not quality filtering); datatrove still
drops a document whose text became empty, and the scorer counts a missing id as
fully removed. Everything else is datatrove's default (n_sentences=3, keep-first).

Output lines are `{"id": ..., "text": ...}` in input order.
"""
import argparse
import os
import shutil
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--work", required=True, help="scratch folder for signatures/dups/logs (wiped)")
    ap.add_argument("--mode", choices=["sentence", "line"], default="sentence")
    ap.add_argument("--n-sentences", type=int, default=3)
    ap.add_argument("--group-field", default=None, help="salt hashes with this field (per-group dedup)")
    a = ap.parse_args()

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.sentence_dedup import (
        SentDedupConfig,
        SentenceDedupFilter,
        SentenceDedupSignature,
        SentenceFindDedups,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    config = SentDedupConfig(
        n_sentences=a.n_sentences,
        split_sentences=(a.mode == "sentence"),
        min_doc_words=0,
        min_num_sentences=0,
    )

    signature_cls = SentenceDedupSignature
    if a.group_field:
        import xxhash

        field = a.group_field
        mask = config.hash_config.max

        class GroupedSignature(SentenceDedupSignature):
            """Salt each span hash with the group, so equal spans only match within a group."""

            def get_hashes(self, doc, doc_idx):
                g = str(doc.metadata.get(field, ""))
                salt = xxhash.xxh3_64_intdigest(g.encode("utf-8")) & mask
                return [(h ^ salt, d, s) for (h, d, s) in super().get_hashes(doc, doc_idx)]

        signature_cls = GroupedSignature

    if os.path.exists(a.work):
        shutil.rmtree(a.work)
    in_dir = os.path.dirname(os.path.abspath(a.input))
    in_name = os.path.basename(a.input)
    out_dir = os.path.dirname(os.path.abspath(a.output))
    out_name = os.path.basename(a.output)

    def reader():
        return JsonlReader(in_dir, glob_pattern=in_name, compression=None, text_key="text", id_key="id")

    def id_text(self, doc):
        return {"id": doc.id, "text": doc.text}

    common = dict(tasks=1, workers=1, skip_completed=False)
    LocalPipelineExecutor(
        [reader(), signature_cls(output_folder=f"{a.work}/sigs", config=config)],
        logging_dir=f"{a.work}/logs/sigs",
        **common,
    ).run()
    LocalPipelineExecutor(
        [SentenceFindDedups(data_folder=f"{a.work}/sigs", output_folder=f"{a.work}/dups", config=config)],
        logging_dir=f"{a.work}/logs/dups",
        **common,
    ).run()
    LocalPipelineExecutor(
        [
            reader(),
            SentenceDedupFilter(data_folder=f"{a.work}/dups", config=config),
            JsonlWriter(out_dir, output_filename=out_name, compression=None, adapter=id_text),
        ],
        logging_dir=f"{a.work}/logs/filter",
        **common,
    ).run()
    if not os.path.exists(a.output):
        print(f"datatrove_run: expected output {a.output} was not written", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
