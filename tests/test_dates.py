import datetime as dt

import pytest

from detente.coding.dates import resolve_event_date

REF = dt.date(2024, 2, 5)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They met on Saturday.", (dt.date(2024, 2, 3), "day")),
        ("They met on Monday.", (dt.date(2024, 2, 5), "day")),
        ("It was banned last year.", (dt.date(2023, 1, 1), "year")),
        ("A visit in February and March.", (dt.date(2024, 2, 1), "month")),
        ("Talks in November.", (dt.date(2023, 11, 1), "month")),
        ("Signed on 12 March 2023 in Beijing.", (dt.date(2023, 3, 12), "day")),
        ("Signed on March 12, 2023.", (dt.date(2023, 3, 12), "day")),
        ("Met on Jan. 26 in Bangkok.", (dt.date(2024, 1, 26), "day")),
        ("Yesterday the envoy left.", (dt.date(2024, 2, 4), "day")),
        ("Recently, the envoy left.", (REF, "")),
        ("Expected in May 2025.", (dt.date(2025, 5, 1), "month")),
    ],
)
def test_dates_resolve(text: str, expected: tuple[dt.date, str]) -> None:
    assert resolve_event_date(text, REF) == expected


def test_dates_without_article_date() -> None:
    assert resolve_event_date("on Saturday", None) == (None, "")
    assert resolve_event_date("on 3 May 2022", None) == (dt.date(2022, 5, 3), "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He will visit in May.", (dt.date(2024, 5, 1), "month")),
        ("He will visit in January.", (dt.date(2025, 1, 1), "month")),
        ("Talks are due on Friday.", (dt.date(2024, 2, 9), "day")),
        ("A summit next month.", (dt.date(2024, 3, 1), "month")),
    ],
)
def test_dates_forward_for_announced_events(text: str, expected: tuple[dt.date, str]) -> None:
    assert resolve_event_date(text, REF, forward=True) == expected


@pytest.mark.parametrize(
    ("text", "ref", "forward", "expected"),
    [
        # An article date outside 1000-01-01..2999-12-31 resolves nothing: the event is undated.
        ("It was banned last year.", dt.date(1, 1, 2), False, (None, "")),
        ("They met last month.", dt.date(1, 1, 1), False, (None, "")),
        ("Yesterday the envoy left.", dt.date(1, 1, 1), False, (None, "")),
        ("They met on Saturday.", dt.date(1, 1, 2), False, (None, "")),
        ("A summit next month.", dt.date(9999, 12, 31), True, (None, "")),
        ("Talks next year.", dt.date(9999, 12, 31), True, (None, "")),
        ("He will visit in May.", dt.date(9999, 12, 31), True, (None, "")),
        ("Recently, the envoy left.", dt.date(9999, 12, 31), False, (None, "")),
        # ... but an explicit date in range still dates the event.
        ("Signed on 3 May 2022.", dt.date(1, 1, 1), False, (dt.date(2022, 5, 3), "day")),
        # A relative date stepping just outside the range is clamped to its edge.
        ("They met last week.", dt.date(1000, 1, 3), False, (dt.date(1000, 1, 1), "week")),
        ("Yesterday the envoy left.", dt.date(1000, 1, 1), False, (dt.date(1000, 1, 1), "day")),
        ("It was banned last year.", dt.date(1000, 6, 1), False, (dt.date(1000, 1, 1), "year")),
        ("A summit next month.", dt.date(2999, 12, 31), True, (dt.date(2999, 12, 31), "month")),
        ("Talks next year.", dt.date(2999, 12, 31), True, (dt.date(2999, 12, 31), "year")),
        ("Talks next week.", dt.date(2999, 12, 30), True, (dt.date(2999, 12, 31), "week")),
        # An explicit date outside the range is ignored, like an impossible one.
        ("Signed on 12 March 0500.", REF, False, (REF, "")),
        ("Talks in May 0000.", REF, False, (REF, "")),
        ("Meeting on 3000-01-01.", REF, False, (REF, "")),
        ("Signed on 3 May 9999.", None, False, (None, "")),
        ("Signed in May 0999.", None, False, (None, "")),
        ("Meeting on 2999-12-31.", None, False, (dt.date(2999, 12, 31), "day")),
    ],
)
def test_dates_extreme_article_dates_never_raise(
    text: str, ref: dt.date | None, forward: bool, expected: tuple[dt.date | None, str]
) -> None:
    assert resolve_event_date(text, ref, forward=forward) == expected
