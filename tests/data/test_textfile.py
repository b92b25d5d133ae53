"""Encoding detection of short text tables: Windows-1252 words must not pass for GBK Chinese,
and short GBK product names must not pass for Windows-1252."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.textfile import prepare_text

WESTERN = [
    "Größe",
    "Größe M",
    "GRÖßE",
    "Übergröße",
    "Maßband",
    "Tschüß",
    "café crème",
    "Crème brûlée",
    "déjà vu",
    "Noël",
    "jalapeño",
    "año nuevo",
    "informação",
    "smörgåsbord",
    "Ångström",
    "Größe: XL, Farbe: weiß",
]
CHINESE = [
    "连衣裙",
    "男士衬衫",
    "T恤",
    "绿茶",
    "枸杞",  # two rare (second-level) characters
    "粽子",
    "蚝油",
    "红烧牛肉面",
    "茶杯（白）",
    "iPhone手机壳",
    "女装A字裙",
    "咖啡豆 500克",
]
FILES = [
    "product_id,title\np1,{}\n",
    'product_id,title\np1,"{} "\n',
    "order_id,note\n1,{}\n2,plain\n",
]


def decoded(tmp_path: Path, data: bytes) -> tuple[str, str]:
    path = tmp_path / "products.csv"
    path.write_bytes(data)
    prepared = prepare_text(path)
    try:
        return prepared.encoding, prepared.path.read_text("utf-8")
    finally:
        prepared.cleanup()


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("word", WESTERN)
def test_short_western_text_is_windows_1252(tmp_path, word, file):
    text = file.format(word)
    assert decoded(tmp_path, text.encode("cp1252")) == ("cp1252", text)


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("name", CHINESE)
def test_short_chinese_text_is_gbk(tmp_path, name, file):
    text = file.format(name)
    assert decoded(tmp_path, text.encode("gbk")) == ("gb18030", text)


def test_a_western_file_with_many_languages(tmp_path):
    text = "product_id,title\n" + "".join(f"p{i},{w}\n" for i, w in enumerate(WESTERN))
    assert decoded(tmp_path, text.encode("cp1252")) == ("cp1252", text)


def test_a_chinese_file_with_latin_letters_and_rare_characters(tmp_path):
    text = "product_id,title\n" + "".join(f"p{i},{n}\n" for i, n in enumerate(CHINESE))
    text += "p99,𠮷野家 联名款\n"  # a GB18030 four-byte character is no sign of either
    assert decoded(tmp_path, text.encode("gb18030")) == ("gb18030", text)
