"""The ISO 20022 camt.053 schemas (vendored in `xsd/`, see its SOURCE.md) and safe XML parsing.

Parsing never resolves entities, never reaches the network and refuses huge trees, so a statement
file cannot read local files or expand a billion laughs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent / "xsd"
NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
SUPPORTED_VERSIONS = ("camt.053.001.02", "camt.053.001.08")


def namespace(version: str) -> str:
    return NAMESPACE_PREFIX + version


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                           load_dtd=False)


@lru_cache(maxsize=None)
def schema(version: str) -> etree.XMLSchema:
    """The XSD of a supported camt.053 version (parsed once per process)."""
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{version}.xsd"), safe_parser()))


def schema_errors(document: etree._Element | etree._ElementTree, version: str) -> list[str]:
    """Every violation of the version's schema as "line N: message"; empty when valid."""
    xsd = schema(version)
    if xsd.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]
