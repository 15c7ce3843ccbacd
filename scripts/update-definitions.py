#!/usr/bin/env python3
"""Regenerates the committed R4 definition data from the official HL7 npm package.

Usage: python3 scripts/update-definitions.py [path/to/hl7.fhir.r4.examples-4.0.1.tgz]
Without an argument it runs `npm pack hl7.fhir.r4.examples@4.0.1` in a temporary folder.

Writes (deterministically: same package, same bytes):
  src/Fhir.Core/Definitions/Data/r4-definitions.zip   conformance resources the server needs at run time
  tests/Fhir.Core.Tests/Data/r4-examples.zip          every other resource of the package (tests only)
  src/Fhir.Core/Definitions/Data/PROVENANCE.json      package name, version, sha256, counts
Each zip holds one minified JSON file per resource ("<Type>/<id>.json") and "index.json",
so the server opens single definitions on demand instead of parsing 40 MB at start-up.
"""
import hashlib, io, json, os, subprocess, sys, tarfile, tempfile, zipfile

PACKAGE, VERSION = "hl7.fhir.r4.examples", "4.0.1"
EXPECTED_SHA256 = "dce87f1b5b9341867033f7d1f544fa1b5232503f6d62813887ac6b8a8b6cb682"
RUNTIME_TYPES = {"StructureDefinition", "SearchParameter", "ValueSet", "CodeSystem",
                 "CompartmentDefinition", "OperationDefinition"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXED_TIME = (2019, 11, 1, 0, 0, 0)  # the package's release month; keeps the zips byte-stable


def fetch(tmp):
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True)
    return os.path.join(tmp, f"{PACKAGE}-{VERSION}.tgz")


def index_row(res, name):
    row = {"file": name, "resourceType": res["resourceType"], "id": res.get("id")}
    for key in ("url", "version", "name", "type", "kind", "derivation", "baseDefinition", "abstract", "code", "base"):
        if key in res:
            row[key] = res[key]
    return row


def write_zip(path, entries):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    index = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, res in sorted(entries, key=lambda e: e[0]):
            index.append(index_row(res, name))
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, json.dumps(res, ensure_ascii=False, separators=(",", ":")))
        info = zipfile.ZipInfo("index.json", FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, json.dumps(index, ensure_ascii=False, separators=(",", ":")))
    return len(index)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tgz = sys.argv[1] if len(sys.argv) > 1 else fetch(tmp)
        data = open(tgz, "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        if sha != EXPECTED_SHA256:
            sys.exit(f"unexpected sha256 {sha}; expected {EXPECTED_SHA256}")
        runtime, examples = [], []
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                base = os.path.basename(member.name)
                if not member.isfile() or not base.endswith(".json") or base == "package.json" or base.startswith("."):
                    continue
                # object_pairs_hook keeps key order; parse_float keeps decimal text exactly
                res = json.loads(tar.extractfile(member).read().decode("utf-8"), parse_float=DecimalText)
                name = base  # the package file name: unique, unlike resourceType/id
                (runtime if res["resourceType"] in RUNTIME_TYPES else examples).append((name, res))
    n_rt = write_zip(os.path.join(ROOT, "src/Fhir.Core/Definitions/Data/r4-definitions.zip"), runtime)
    n_ex = write_zip(os.path.join(ROOT, "tests/Fhir.Core.Tests/Data/r4-examples.zip"), examples)
    provenance = {
        "package": PACKAGE, "version": VERSION, "sha256": sha, "license": "CC0-1.0",
        "source": "npm registry, `npm pack hl7.fhir.r4.examples@4.0.1` (official HL7 FHIR R4 build)",
        "regenerate": "python3 scripts/update-definitions.py",
        "runtimeResources": n_rt, "exampleResources": n_ex,
    }
    with open(os.path.join(ROOT, "src/Fhir.Core/Definitions/Data/PROVENANCE.json"), "w") as f:
        json.dump(provenance, f, indent=2)
        f.write("\n")
    print(json.dumps(provenance, indent=2))


class DecimalText(float):
    """Keeps a JSON number's original text (1.50 stays 1.50) through json.dumps."""
    def __new__(cls, text):
        obj = float.__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self):
        return self.text


if __name__ == "__main__":
    main()
