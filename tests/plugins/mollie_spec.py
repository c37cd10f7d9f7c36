"""Mollie's OpenAPI description as a response validator (loaded once per process).

Loading quirks (see ../shared/mollie/SOURCE.md): YAML dates must stay strings (SafeLoader without
the timestamp resolver), the file is not strictly valid OpenAPI 3.1 (spec validation off), and
responses are `application/hal+json` (needs a JSON deserializer). A status an operation does not
declare is checked against the spec's generic `error-response` schema.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import tempfile
import threading
from pathlib import Path

import yaml

from tests.conftest import MOLLIE_SPEC_PATH

SPEC_SERVER = "https://api.mollie.com"


class _NoDatesLoader(yaml.SafeLoader):
    pass


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@functools.lru_cache(maxsize=1)
def load_spec_dict(path: str = str(MOLLIE_SPEC_PATH)) -> dict:
    """The parsed spec; a pickle beside the temp dir, keyed by the file's size and mtime, saves the
    ~2.5 s YAML parse in every later pytest process (xdist workers, reruns)."""
    stat = os.stat(path)
    key = hashlib.sha256(f"{os.path.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"verenigingen-mollie-spec-{key}.pickle"
    try:
        return pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    with open(path, encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=_NoDatesLoader)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(pickle.dumps(spec))
        os.replace(tmp, cache)
    except OSError:
        pass
    return spec


class SpecValidator:
    """validate(method, path, query, status, body_bytes, content_type) -> list of violation strings."""

    def __init__(self, spec: dict) -> None:
        from jsonschema_path import SchemaPath
        from openapi_core import OpenAPI
        from openapi_core.app import Config
        from openapi_schema_validator import OAS31Validator
        from referencing import Registry, Resource

        self.spec = spec
        config = Config(spec_validator_cls=None, extra_media_type_deserializers={"application/hal+json": json.loads})
        self.openapi = OpenAPI(SchemaPath.from_dict(spec), config=config)
        resource = Resource.from_contents(spec, default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012)
        registry = Registry().with_resource("urn:mollie", resource)
        self._error_validator = OAS31Validator({"$ref": "urn:mollie#/components/schemas/error-response"}, registry=registry)
        self._lock = threading.Lock()

    def declared_statuses(self, method: str, path: str) -> set[str] | None:
        from openapi_core.templating.paths.finders import APICallPathFinder

        try:
            result = APICallPathFinder(self.openapi.spec).find(method.lower(), SPEC_SERVER + path)
        except Exception:  # noqa: BLE001 - unknown path or method
            return None
        return {str(k) for k in result.operation["responses"].keys()}

    def validate(self, method: str, path: str, query: str, status: int, body: bytes, content_type: str) -> list[str]:
        from openapi_core.testing import MockRequest, MockResponse

        where = f"{method} {path}{'?' + query if query else ''} -> {status}"
        declared = self.declared_statuses(method, path)
        if declared is None and status < 400:
            return [f"{where}: path/method not in Mollie's OpenAPI description"]
        if declared is None or (str(status) not in declared and "default" not in declared):
            if status == 204 or not body:
                return [] if status == 204 else [f"{where}: empty body"]
            try:
                data = json.loads(body)
            except ValueError:
                return [f"{where}: body is not JSON"]
            errors = sorted(self._error_validator.iter_errors(data), key=str)
            return [f"{where}: error body: {e.message} at {list(e.absolute_path)}" for e in errors[:5]]
        if status == 204 or (not body and status in (202, 204)):
            return []
        request = MockRequest(SPEC_SERVER, method.lower(), path, args=_args(query))
        response = MockResponse(body, status_code=status, content_type=content_type or "application/hal+json")
        try:
            with self._lock:
                self.openapi.validate_response(request, response)
        except Exception as exc:  # noqa: BLE001 - every validation failure is a violation to report
            inner = getattr(exc, "schema_errors", None) or getattr(exc.__cause__, "schema_errors", None) or []
            details = [f"{e.message[:300]} at {list(e.absolute_path)}" for e in inner] or [f"{type(exc).__name__}: {str(exc)[:500]}"]
            return [f"{where}: {'; '.join(details)}"]
        return []


def _args(query: str):
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import ImmutableMultiDict

    return ImmutableMultiDict(parse_qsl(query, keep_blank_values=True))


@functools.lru_cache(maxsize=1)
def spec_validator() -> SpecValidator:
    return SpecValidator(load_spec_dict())
