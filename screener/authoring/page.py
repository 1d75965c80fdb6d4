"""A page of news, story by story: split it, extract each story against the page's
context (publication date, year, publisher), and give each story that names listed
firms a theme id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from screener.authoring.extract import Extraction, PageContext, extract
from screener.authoring.names import NameIndex
from screener.authoring.stories import Story, split_stories
from screener.authoring.theme_ids import story_id, unique


@dataclass(frozen=True)
class StoryResult:
    story: Story
    extraction: Extraction
    theme_id: str | None  # None: the story names no listed firm, so nothing is drafted

    @property
    def drafted(self) -> bool:
        return self.theme_id is not None


def extract_page(page: str, index: NameIndex, published: date | None = None) -> list[StoryResult]:
    """Every story of ``page``, extracted; ids for the ones that name listed firms are
    made from their headlines and numbered where they repeat."""
    context = PageContext.of(page, published)
    stories = split_stories(page)
    found = [extract(s.text, index, context, title=s.headline, author=s.author) for s in stories]
    ids = iter(unique(story_id(s.headline, s.text) for s, x in zip(stories, found) if x.members))
    return [StoryResult(s, x, next(ids) if x.members else None) for s, x in zip(stories, found)]
