#!/usr/bin/env python3
"""Regenerates the committed UCUM data from the official ucum-essence.xml.

Usage: python3 scripts/update-ucum.py [path/to/ucum-essence.xml]
Default input: ../shared/suites/fhirpath/ucum/ucum-essence.xml beside the repository root
(a copy of the file published by the UCUM organisation, https://ucum.org).

Writes (deterministically: same input, same bytes):
  src/Fhir.Core/Ucum/Data/ucum-essence.json.gz   prefixes, base units and defined units (embedded resource)
  src/Fhir.Core/Ucum/Data/PROVENANCE.json        source, UCUM version, revision date, sha256, licence note

Only the machine-relevant part of the table is kept. For each defined unit:
  code (case-sensitive "Code"), name, value (decimal text as written in the XML, never reparsed
  as a float), unit (the defining UCUM expression), fn (special-function name, for special units the
  value/unit are the function's), metric, arbitrary, class, property.
Python standard library only.
"""
import gzip, hashlib, io, json, os, re, sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_INPUT = os.path.join(os.path.dirname(ROOT), "shared", "suites", "fhirpath", "ucum", "ucum-essence.xml")
OUT_DIR = os.path.join(ROOT, "src", "Fhir.Core", "Ucum", "Data")
NS = "{http://unitsofmeasure.org/ucum-essence}"
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

LICENCE = (
    "UCUM (the Unified Code for Units of Measure, its table, codes and definitions) is copyright "
    "Regenstrief Institute, Inc. and The UCUM Organization. It is free to use and to redistribute, "
    "including in commercial products, under the UCUM Terms of Use (https://ucum.org/trac/wiki/TermsOfUse, "
    "now https://ucum.org/license): the content may not be modified and redistributed as UCUM, and products "
    "must acknowledge its use. This file is derived from ucum-essence.xml without changing any definition; "
    "ucum-essence.xml itself carries no copyright or licence notice text."
)


def text(el, tag):
    child = el.find(NS + tag)
    if child is None:
        return None
    return " ".join("".join(child.itertext()).split()) or None


def number(raw, where):
    if raw is None or not NUMBER.match(raw):
        sys.exit(f"{where}: value {raw!r} is not a decimal number")
    return raw


def flag(el, name):
    v = el.get(name)
    if v not in (None, "yes", "no"):
        sys.exit(f"{el.get('Code')}: unexpected {name}={v!r}")
    return v == "yes"


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_INPUT
    data = open(src, "rb").read()
    sha = hashlib.sha256(data).hexdigest()
    root = ET.fromstring(data)
    if root.tag != NS + "root":
        sys.exit(f"{src}: not a ucum-essence document (root {root.tag})")

    prefixes = []
    for p in root.iter(NS + "prefix"):
        v = p.find(NS + "value")
        prefixes.append({"code": p.get("Code"), "name": text(p, "name"),
                         "value": number(v.get("value"), p.get("Code"))})

    base_units = []
    for b in root.iter(NS + "base-unit"):
        base_units.append({"code": b.get("Code"), "name": text(b, "name"), "dim": b.get("dim"),
                           "property": text(b, "property")})

    units = []
    for u in root.iter(NS + "unit"):
        code = u.get("Code")
        v = u.find(NS + "value")
        row = {"code": code, "name": text(u, "name")}
        fn = v.find(NS + "function")
        special = flag(u, "isSpecial")
        if special != (fn is not None):
            sys.exit(f"{code}: isSpecial={special} but function element present={fn is not None}")
        if fn is not None:
            row["value"] = number(fn.get("value"), code)
            row["unit"] = fn.get("Unit")
            row["fn"] = fn.get("name")
        else:
            row["value"] = number(v.get("value"), code)
            row["unit"] = v.get("Unit")
        row["metric"] = flag(u, "isMetric")
        if flag(u, "isArbitrary"):
            row["arbitrary"] = True
        row["class"] = u.get("class")
        row["property"] = text(u, "property")
        units.append(row)

    codes = [x["code"] for x in prefixes] + [x["code"] for x in base_units] + [x["code"] for x in units]
    atoms = [x["code"] for x in base_units] + [x["code"] for x in units]
    if len(set(atoms)) != len(atoms):
        sys.exit("duplicate unit codes in the input")

    version = root.get("version")
    rev = re.search(r"\$Revision:\s*(\d+)", root.get("revision") or "")
    date = re.search(r"\$Date:\s*(\d{4}-\d{2}-\d{2})", root.get("revision-date") or "")
    doc = {"version": version, "revision": rev.group(1) if rev else root.get("revision"),
           "revisionDate": date.group(1) if date else root.get("revision-date"),
           "prefixes": prefixes, "baseUnits": base_units, "units": units}

    os.makedirs(OUT_DIR, exist_ok=True)
    payload = json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(payload)
    out = os.path.join(OUT_DIR, "ucum-essence.json.gz")
    with open(out, "wb") as f:
        f.write(buf.getvalue())

    provenance = {
        "source": "ucum-essence.xml published by the UCUM organisation (https://ucum.org); "
                  "copy taken from HL7 fhir-test-cases (shared/suites/fhirpath/ucum/ucum-essence.xml)",
        "ucumVersion": version,
        "revision": doc["revision"],
        "revisionDate": doc["revisionDate"],
        "sha256": sha,
        "license": LICENCE,
        "regenerate": "python3 scripts/update-ucum.py [path/to/ucum-essence.xml]",
        "prefixes": len(prefixes), "baseUnits": len(base_units), "units": len(units),
        "specialUnits": sum(1 for u in units if "fn" in u),
        "arbitraryUnits": sum(1 for u in units if u.get("arbitrary")),
        "bytes": len(buf.getvalue()),
    }
    with open(os.path.join(OUT_DIR, "PROVENANCE.json"), "w") as f:
        json.dump(provenance, f, indent=2)
        f.write("\n")
    print(json.dumps(provenance, indent=2))


if __name__ == "__main__":
    main()
