"""boilercut: find the blocks that scraped articles repeat across a site and cut them out.

Donation appeals, newsletter prompts, cookie notices, share bars, copyright lines,
scraper prefixes: a site repeats them in many of its documents, so a Learner counts,
per group (site), how many documents contain each run of words, and the Model it
yields cuts the frequent runs out of every document of that group, every copy
including the first.

    >>> import boilercut
    >>> learner = boilercut.Learner()
    >>> learner.add_batch(texts, groups)            # parallel, without the GIL
    >>> model = learner.finish()
    >>> out = model.clean(text, "example.org")      # out.text, out.spans

Batch calls (Learner.add_batch, Model.clean_batch) release the GIL and run on all
cores; spans index the Python str; models pickle through their bytes. Spark and
datatrove steps live in boilercut.spark and boilercut.datatrove (imported on use).

For a crawler, OnlineCleaner cleans pages as they arrive, learning per site:
push(text, group, item) returns the pages it releases (a site's first pages are
held), flush() the rest; each Released carries .text, .spans, .item.
"""

from ._boilercut import (
    Cleaned,
    Error,
    Learner,
    Model,
    OnlineCleaner,
    Released,
    host,
    merge,
)

__all__ = [
    "Cleaned",
    "Error",
    "Learner",
    "Model",
    "OnlineCleaner",
    "Released",
    "host",
    "merge",
]
__version__ = "0.1.0"
