"""How a name sounds: the key that finds 张伟 and 章玮 together (pypinyin, tones dropped).

``Person.name_key`` holds it; ``Person.save`` keeps it in step with the name. Rows written in bulk
(imports, the demo year) leave it empty: ``quality.services.name_keys_fill`` fills those by distinct
name before each duplicate scan."""

from pypinyin import Style, lazy_pinyin


def name_key(name: str) -> str:
    """The toneless pinyin of a name, lower case, without spaces ("张 伟" and "章玮" → "zhangwei")."""
    text = "".join((name or "").split())
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")).lower()[:80]
