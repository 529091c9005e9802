"""An old code that is no pre-2025 commune code is said in the row's reason, never ignored in silence
(before: 'empty input (null)' with no address, and nothing at all when the address resolved)."""

from __future__ import annotations

import polars as pl

from pipelines.resolve import UNKNOWN_OLD_CODE, resolve_table


def test_an_unknown_old_code_is_named_in_the_reason_and_a_known_one_is_used():
    frame = pl.DataFrame(
        {
            "code": ["99999", "26734", "abc", None, "  "],
            "addr": [
                None,
                None,
                "Phường Bến Nghé, Quận 1, TP.HCM",
                "Phường 6, Quận 3, TP HCM",
                "Phường 6, Quận 3, TP HCM",
            ],
        }
    )
    out = resolve_table(frame, address_column="addr", old_code_column="code")
    reasons = out["reason"].to_list()
    assert reasons[0].startswith(UNKNOWN_OLD_CODE) and out["status"][0] == "unresolved"
    assert out["old_uid"][1] == "pre2025:26734" and reasons[1].startswith("from old code")
    assert reasons[2] == UNKNOWN_OLD_CODE and out["old_uid"][2] == "pre2025:26740"  # the address still read
    assert UNKNOWN_OLD_CODE not in reasons[3] and UNKNOWN_OLD_CODE not in reasons[4]  # no code given: nothing said


def test_codes_alone_unknown_ones_said_on_every_row():
    frame = pl.DataFrame({"code": ["99998", "26734", "99999"]})
    out = resolve_table(frame, old_code_column="code")
    assert [r.startswith(UNKNOWN_OLD_CODE) for r in out["reason"].to_list()] == [True, False, True]
