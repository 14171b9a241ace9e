"""Social-media handles: platform and handle, case and leading @ normalised."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import IdentifierKind, ProblemCode, normalise

SOCIAL = IdentifierKind.SOCIAL


@pytest.mark.parametrize(
    ("raw", "platform", "value"),
    [
        ("telegram:@Scam_Desk", None, "telegram:scam_desk"),
        ("Telegram: @Scam_Desk", None, "telegram:scam_desk"),
        ("tg:scam_desk", None, "telegram:scam_desk"),
        ("@Scam_Desk", "Telegram", "telegram:scam_desk"),
        ("https://t.me/Scam_Desk", None, "telegram:scam_desk"),
        ("t.me/scam_desk", "telegram", "telegram:scam_desk"),
        ("https://www.facebook.com/profile.php?id=100012345", None, "facebook:id:100012345"),
        ("https://m.facebook.com/Lucky.Draw.VN/", None, "facebook:lucky.draw.vn"),
        ("facebook:id:100012345", None, "facebook:id:100012345"),
        ("https://twitter.com/ScamDesk", None, "x:scamdesk"),
        ("twitter:@ScamDesk", None, "x:scamdesk"),
        ("https://www.instagram.com/lucky.draw_vn/", None, "instagram:lucky.draw_vn"),
        ("https://www.tiktok.com/@lucky.draw", None, "tiktok:lucky.draw"),
        ("https://www.youtube.com/@CryptoGuru", None, "youtube:cryptoguru"),
        ("https://www.youtube.com/channel/UCabcdefghij", None, "youtube:ucabcdefghij"),
        ("hxxps://t[.]me/scam_desk", None, "telegram:scam_desk"),
        # Platforms outside the table keep their own name, with a permissive handle rule.
        ("Zalo: @NguyenVanA", None, "zalo:nguyenvana"),
        ("NguyenVanA", "zalo", "zalo:nguyenvana"),
        ("john.doe", "instagram", "instagram:john.doe"),
    ],
)
def test_handles_are_platform_and_lower_case_handle(
    raw: str, platform: str | None, value: str
) -> None:
    identifier = normalise(SOCIAL, raw, platform=platform)
    assert identifier.value == value
    assert identifier.scope == value.split(":", maxsplit=1)[0]
    assert identifier.link_key == f"social:{value}"


@pytest.mark.parametrize(
    ("raw", "platform", "code"),
    [
        ("@scam_desk", None, ProblemCode.SOCIAL_PLATFORM_MISSING),
        ("https://example.com/scam_desk", None, ProblemCode.SOCIAL_PLATFORM_MISSING),
        ("9gag!:scam", None, ProblemCode.SOCIAL_PLATFORM_INVALID),
        ("@scam_desk", "!!", ProblemCode.SOCIAL_PLATFORM_INVALID),
        ("https://t.me/scam_desk", "instagram", ProblemCode.SOCIAL_PLATFORM_MISMATCH),
        ("telegram:ab", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("telegram:scam desk", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("x:much_too_long_for_x", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("https://t.me/joinchat/AAAAAE", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("https://www.facebook.com/groups/123", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("https://www.facebook.com/profile.php", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("https://x.com/", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("zalo:", None, ProblemCode.SOCIAL_HANDLE_INVALID),
        ("zalo:a\u0085b", None, ProblemCode.SOCIAL_HANDLE_INVALID),
    ],
)
def test_unusable_handles_are_flagged(raw: str, platform: str | None, code: ProblemCode) -> None:
    identifier = normalise(SOCIAL, raw, platform=platform)
    assert identifier.problem is not None
    assert identifier.problem.code is code
