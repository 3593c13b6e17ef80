"""A Scrapy item pipeline that cleans scraped pages online with boilercut.

Enable it in the project's settings (this file copied into the project)::

    ITEM_PIPELINES = {"myproject.scrapy_pipeline.BoilercutPipeline": 900}
    BOILERCUT_OUTPUT = "cleaned.jsonl"     # where cleaned items are written
    BOILERCUT_TEXT_FIELD = "text"          # the field cleaned (default "text")
    BOILERCUT_URL_FIELD = "url"            # the site is the host of this field
    BOILERCUT_HOLD_PAGES = 8               # OnlineCleaner's hold_pages

How items flow. A site's first pages must be held before anything can be cut
(boilerplate is what a site repeats), so an item cannot always be cleaned when
Scrapy hands it to process_item. This pipeline is therefore a sink: it pushes
every item into a boilercut.OnlineCleaner and, whenever pages are released
(at once for a site past its first hold_pages pages, later for a held site,
at close_spider for every page still held), writes them cleaned: the text
field is replaced in place by the cleaned text, the item goes to the
on_release callback (or, from settings, to BOILERCUT_OUTPUT as one JSON line
per item). Every item is released exactly once; items of one site keep their
order, items of different sites may come out in another order.

process_item returns the item unchanged so that later pipelines still see
it; Scrapy's feed exports may thus see a held item's text before it is
cleaned. Take the cleaned items from this pipeline's output, not from the
feed exports.

Scrapy is not imported: the class follows the item-pipeline protocol
(from_crawler, open_spider, process_item, close_spider) and works on any
mapping-like item (dict or scrapy.Item), so it can also be driven by hand.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import boilercut


class BoilercutPipeline:
    """Clean items online, per site; see the module docstring."""

    def __init__(
        self,
        on_release: Callable[[Any], None] | None = None,
        output: str | None = None,
        text_field: str = "text",
        url_field: str = "url",
        **options: Any,
    ) -> None:
        self.on_release = on_release
        self.output = output
        self.text_field = text_field
        self.url_field = url_field
        self.options = options
        self.cleaner: boilercut.OnlineCleaner | None = None
        self._file = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "BoilercutPipeline":
        s = crawler.settings
        return cls(
            output=s.get("BOILERCUT_OUTPUT", "cleaned.jsonl"),
            text_field=s.get("BOILERCUT_TEXT_FIELD", "text"),
            url_field=s.get("BOILERCUT_URL_FIELD", "url"),
            hold_pages=s.getint("BOILERCUT_HOLD_PAGES", 8),
        )

    def open_spider(self, spider: Any) -> None:
        self.cleaner = boilercut.OnlineCleaner(**self.options)
        if self.output is not None and self.on_release is None:
            self._file = open(self.output, "a", encoding="utf-8")

    def process_item(self, item: Any, spider: Any) -> Any:
        assert self.cleaner is not None, "open_spider was not called"
        text = item.get(self.text_field)
        url = item.get(self.url_field)
        group = boilercut.host(url) if isinstance(url, str) else None
        if text is not None and not isinstance(text, str):
            text = str(text)
        self._emit(self.cleaner.push(text, group, item))
        return item

    def close_spider(self, spider: Any) -> None:
        if self.cleaner is not None:
            self._emit(self.cleaner.flush())
        if self._file is not None:
            self._file.close()
            self._file = None

    def _emit(self, released: list[boilercut.Released]) -> None:
        for r in released:
            item = r.item
            if r.text is not None:
                item[self.text_field] = r.text
            if self.on_release is not None:
                self.on_release(item)
            elif self._file is not None:
                self._file.write(json.dumps(dict(item), ensure_ascii=False) + "\n")
