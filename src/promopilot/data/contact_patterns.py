"""The patterns that find contact data: an e-mail address, and phone numbers as they are written
in an id column or in running text (international with ``+`` or ``00``, Chinese mobiles, North
American and other national forms). Each is written so that Python's ``re`` and DuckDB's RE2 read
it alike (RE2's ``\\s`` is ASCII only, so spaces are named one by one);
:mod:`promopilot.data.contact_ids` uses them to hash ids and mask text.
"""

from __future__ import annotations

EMAIL = r"[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+\.[^@ \t\n\r\f\v.]+"
INTERNATIONAL = r"\+[0-9](?:[ ()./-]{0,2}[0-9]){9,14}"
CHINA_MOBILE = r"1[3-9][0-9](?:[ -]?[0-9]{4}){2}"
# an international number dialled with 00 for + (0086 138 0013 8000): a separator after the
# country code, or a Chinese mobile's +86 (so 001234567890, a padded id, is none); 0086 and 001
# first, at their length, as INTERNATIONAL_KNOWN
ZERO_ZERO = (
    rf"(?:0086[ -]?{CHINA_MOBILE}|001[ ()./-]{{1,2}}[2-9][0-9]{{2}}(?:[ ()./-]{{0,2}}[0-9]){{7}}"
    r"|00[1-9][0-9]{0,2}[ ()./-]{1,2}[0-9](?:[ ()./-]{0,2}[0-9]){7,12})"
)
# in text, a +86 mobile and a +1 number at their length, so digits after one are not taken in
# (+86 138 0013 8000 20251203); IN_TEXT ends any + number where its digits do (at most 15)
INTERNATIONAL_KNOWN = (
    r"\+86[ ()./-]{0,2}1[3-9][0-9](?:[ ()./-]{0,2}[0-9]){8}"
    r"|\+1[ ()./-]{0,2}[2-9][0-9]{2}(?:[ ()./-]{0,2}[0-9]){7}"
)
# a North American number without its +1, as written there ((555) 123-4567, 555-123-4567,
# 555.123.4567; ten digits in a row, or three numbers apart, as an access log's status, bytes
# and time, are none): a mobile number column reads it as +1 (phone_text.written_sql)
NORTH_AMERICA = (
    r"\([2-9][0-9]{2}\) ?[0-9]{3}[-. ]?[0-9]{4}|[2-9][0-9]{2}(?:-[0-9]{3}-|\.[0-9]{3}\.)[0-9]{4}"
)
# the same dialled with its leading 1, the country code without + (1-555-123-4567, 1 (555)
# 123-4567, 1(555)123-4567): it names its country, as 86-13812345678 does (a mobile number
# column reads it as +1, phone_text.written_sql). 15551234567, no separators, is none: it cannot
# be told from a Chinese mobile
NORTH_AMERICA_ONE = (
    r"1-[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}|1 ?\([2-9][0-9]{2}\) ?[0-9]{3}[-. ]?[0-9]{4}"
)
# the same with its leading 1 and a space or full stop too, in text only (1 555-123-4567,
# 1.555.123.4567, 1 555 123 4567: taken whole, where the number after "1 " alone was taken and
# "1." kept the rest from being one): a mobile number column reads these as written still
NORTH_AMERICA_ONE_TEXT = r"1[-. ][2-9][0-9]{2}(?:-[0-9]{3}-|\.[0-9]{3}\.| [0-9]{3} )[0-9]{4}"
# a phone number as a country writes it at home, in text only (as an id it is kept as written:
# a shop's own ids look like that): UK mobiles (07700 900123), North American numbers (with
# their leading 1 too: taken whole, not the (555) 123-4567 after 1 alone), French
# (06 12 34 56 78, one separator throughout or none), German mobiles (0151 23456789), and a
# country code after 00 (0044 7700 900123)
NATIONAL = (
    r"07[0-9]{3}(?: ?[0-9]{6}|-[0-9]{6}| [0-9]{3} [0-9]{3})"
    rf"|{NORTH_AMERICA_ONE_TEXT}|{NORTH_AMERICA_ONE}|{NORTH_AMERICA}"
    r"|0[1-9](?:[0-9]{8}|(?: [0-9]{2}){4}|(?:\.[0-9]{2}){4}|(?:-[0-9]{2}){4})"
    r"|01[5-7][0-9][ /-]?[0-9]{7,8}"
    rf"|{ZERO_ZERO}"
)
# Chinese characters (the CJK radicals, 々, 〇, the ideographs and their extensions), written
# as the characters themselves, which Python's re and RE2 both read
HAN = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003ffff"
)
# what an address in running text does not take in: Chinese characters and full-width
# punctuation (U+3000-303F, U+FF00-FFEF)
NOT_ADDRESS = f"{HAN}\u3000-\u303f\uff00-\uffef"


def address_part(space: str) -> str:
    """The local part or domain of an address in running text (`space`: the class of spaces):
    without the Chinese text or full-width punctuation glued to it (邮箱ann@example.com谢谢:
    ann@example.com), or Chinese characters only (张三@qq.com, all of it: an address may be
    written so)."""
    return rf"(?:[^@{space},;|\"'{NOT_ADDRESS}]+|[{HAN}]+)"


# one of them inside other text (a line the CSV reader could not split): an address
# (:func:`address_part`); a national number only where it stands alone: not inside a code, an
# amount, a date or a longer number
_ADDRESS_PART = address_part(r"\s")
IN_TEXT = (
    rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.[A-Za-z]{{2,}}"
    rf"|(?<![0-9])(?:{INTERNATIONAL_KNOWN}|{INTERNATIONAL})(?![0-9])|(?<![0-9]){INTERNATIONAL}"
    rf"|(?<![0-9]){CHINA_MOBILE}(?![0-9])"
    rf"|(?<![0-9A-Za-z_#.,+/-])(?:{NATIONAL})(?![0-9A-Za-z_]|[-.,/][0-9])"
)
