#!/usr/bin/env python3
"""Downloads the FHIR packages the product needs at run time into profiles/packages/, and the packages
the tests load (implementation guides from outside the trial) into tests/Fhir.Validation.Tests/Conformance/Data/packages/.

Usage: python3 scripts/update-packages.py [--check]
  (no argument)  runs `npm pack NAME@VERSION` for each package below, checks its sha256 against the
                 pinned value and rewrites each folder's PROVENANCE.json
  --check        only verifies that the committed .tgz files match their pinned sha256

The packages are committed as the original npm tarballs (already compressed), so that anyone can
check them against the registry. hl7.terminology.r4 is deliberately left out: its 4.6 MB would be
carried for one ValueSet (v3-ActCode) that the R4 core already holds; the loader reports it as a
missing dependency.
"""
import hashlib, json, os, subprocess, sys, tarfile, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RUNTIME_NOTES = {"hl7.terminology.r4": "4.6 MB; the only resource the committed packages use from it "
                                       "(ValueSet v3-ActCode) is in the R4 core; reported as a missing dependency"}
TEST_NOTES = {
    "hl7.fhir.us.core": "mCODE 4.0.0 depends on 6.1.0, which the registry does not serve: the mCODE profiles built on "
                        "US Core profiles cannot be generated and are listed as failures with that reason",
    "hl7.fhir.uv.genomics-reporting": "mCODE 4.0.0 depends on 2.0.0; the registry serves 3.0.0 only (profiles/packages), "
                                      "which the loader takes as the nearest version, with a warning",
    "hl7.fhir.uv.extensions.r4": "mCODE 4.0.0 depends on 5.2.0; the registry serves 5.3.0-ballot-tc1 only (profiles/packages)",
}

# folder, notes, [(name, version, sha256 of the npm tarball)]
SETS = [
    (os.path.join(ROOT, "profiles", "packages"), RUNTIME_NOTES, [
        ("hl7.fhir.uv.genomics-reporting", "3.0.0", "42b893bb3bb2a429db194e5ee9d1e1c11d02f0700a01906a2a0500a25bd8af21"),
        ("hl7.fhir.uv.extensions.r4", "5.3.0-ballot-tc1", "54f70616bbd444ba0259d5fc5a5c978d463971865f23dcef3103081f529ad213"),
    ]),
    (os.path.join(ROOT, "tests", "Fhir.Validation.Tests", "Conformance", "Data", "packages"), TEST_NOTES, [
        ("hl7.fhir.us.mcode", "4.0.0", "6bdb93934e2c0a859198e8c1c21eccb28915c73535d18c75c515c03bba9c45de"),
    ]),
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_name(name, version):
    return f"{name}-{version}.tgz"


def manifest(path):
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile("package/package.json"))


def check():
    bad = 0
    for target, _, packages in SETS:
        bad += check_set(target, packages)
    return bad


def check_set(target, packages):
    bad = 0
    for name, version, expected in packages:
        path = os.path.join(target, file_name(name, version))
        actual = sha256(path) if os.path.exists(path) else "missing"
        if actual != expected:
            print(f"{file_name(name, version)}: sha256 {actual}, expected {expected}", file=sys.stderr)
            bad += 1
    return bad


def update():
    for target, notes, packages in SETS:
        update_set(target, notes, packages)


def update_set(target, notes, packages):
    os.makedirs(target, exist_ok=True)
    provenance = []
    with tempfile.TemporaryDirectory(prefix="fhir-packages-") as tmp:
        for name, version, expected in packages:
            spec = f"{name}@{version}"
            subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            downloaded = os.path.join(tmp, file_name(name, version))
            actual = sha256(downloaded)
            if actual != expected:
                sys.exit(f"{spec}: sha256 {actual} does not match the pinned {expected}; "
                         "if the new tarball is intended, update SETS in this script")
            tarball = subprocess.run(["npm", "view", spec, "dist.tarball"], check=True,
                                     capture_output=True, text=True).stdout.strip()
            meta = manifest(downloaded)
            os.replace(downloaded, os.path.join(target, file_name(name, version)))
            provenance.append({
                "name": name,
                "version": version,
                "file": file_name(name, version),
                "tarball": tarball,
                "sha256": actual,
                "license": meta.get("license"),
                "dependencies": meta.get("dependencies", {}),
            })
    with open(os.path.join(target, "PROVENANCE.json"), "w") as f:
        json.dump({
            "source": "npm registry (https://registry.npmjs.org), `npm pack NAME@VERSION`",
            "regenerate": "python3 scripts/update-packages.py",
            "notCommitted": notes,
            "packages": provenance,
        }, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(1 if check() else 0)
    update()
