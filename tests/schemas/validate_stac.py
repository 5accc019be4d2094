#!/usr/bin/python3
"""Validates a STAC catalog folder offline against the official JSON schemas vendored beside this
script (tests/schemas/stac, see its SOURCES.md), with Debian's python3-jsonschema.

Usage: validate_stac.py STAC_DIR

Every JSON file under STAC_DIR is validated against the core schema of its type (Catalog,
Collection, Item) and against the schema of each extension it declares in `stac_extensions` (an
extension whose schema is not vendored is an error, not a pass). Every relative link and asset href
must name an existing file. No URL is ever fetched: a reference to a schema that is not vendored
fails. Prints one line per failure and a closing count; exits 1 on any failure.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stac")
CORE = "https://schemas.stacspec.org/v1.1.0/"
NATURAL_URLS = {
    "stac-spec-v1.1.0/catalog.json": CORE + "catalog-spec/json-schema/catalog.json",
    "stac-spec-v1.1.0/collection.json": CORE + "collection-spec/json-schema/collection.json",
}


def load_store():
    store = {}
    for folder, _, files in os.walk(HERE):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, HERE)
            schema = json.load(open(path, encoding="utf-8"))
            urls = {schema.get("$id", "").rstrip("#")}
            if relative.startswith("stac-spec-v1.1.0/"):
                # The file's place in the published tree: relative references ("common.json",
                # "../../item-spec/json-schema/item.json") resolve against it (common.json's own $id
                # is misspelt "commonjson" upstream).
                urls.add(NATURAL_URLS.get(relative, CORE + "item-spec/json-schema/" + name))
            elif relative.startswith("geojson/"):
                urls.add("https://geojson.org/schema/" + name)
            for url in urls:
                if url:
                    store[url] = schema
                    store[url + "#"] = schema
    return store


def refuse_network(url):
    raise jsonschema.exceptions.RefResolutionError(f"{url}: not vendored (the validation never reaches the network)")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    store = load_store()
    core = {"Catalog": NATURAL_URLS["stac-spec-v1.1.0/catalog.json"],
            "Collection": NATURAL_URLS["stac-spec-v1.1.0/collection.json"],
            "Feature": CORE + "item-spec/json-schema/item.json"}
    failures, checked, counts = [], 0, {}
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            try:
                document = json.load(open(path, encoding="utf-8"))
            except ValueError as error:
                failures.append(f"{path}: not JSON: {error}")
                continue
            kind = document.get("type")
            schemas = [core.get(kind)] + [url.rstrip("#") for url in document.get("stac_extensions", [])]
            if schemas[0] is None:
                failures.append(f"{path}: type {kind!r} is not a STAC Catalog, Collection or Item")
                continue
            counts[kind] = counts.get(kind, 0) + 1
            for url in schemas:
                if url not in store:
                    failures.append(f"{path}: schema {url} is not vendored")
                    continue
                resolver = jsonschema.RefResolver(url, store[url], store=dict(store),
                                                  handlers={"http": refuse_network, "https": refuse_network})
                validator = jsonschema.Draft7Validator(store[url], resolver=resolver,
                                                       format_checker=jsonschema.FormatChecker())
                for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
                    where = "/".join(str(p) for p in error.absolute_path)
                    failures.append(f"{path}: {url}: at /{where}: {error.message[:300]}")
            hrefs = [link["href"] for link in document.get("links", [])]
            hrefs += [asset["href"] for asset in document.get("assets", {}).values()]
            for href in hrefs:
                if "://" in href:
                    continue
                if not os.path.exists(os.path.normpath(os.path.join(folder, href))):
                    failures.append(f"{path}: href {href} names no file")
            checked += 1
    for failure in failures:
        print(failure)
    print(f"validated {checked} STAC documents ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}): "
          f"{len(failures)} failure(s)")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
