"""The ``{name:id}`` route parameter: a shop's id in a URL, slashes included.

A customer id such as ``AB/123`` is sent as ``AB%2F123``, which the server decodes to
``AB/123`` before routing, so the default parameter (one path segment) never matches it.
Starlette's ``:path`` takes slashes but not a line break (``.*``), so an id with a ``%0A``
would become a bare 404 instead of the handler's clear 422: ``:id`` takes any character, and a
route's fixed suffix (``/offer``) still ends the match.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[str]):
    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
