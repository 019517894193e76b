"""Baseline for the validate bench: libxmlsec1 (python-xmlsec, in-process) verifying both
signatures of the same ≈8 KB response, on one core. Prints responses/second.

Usage: python3 core/benches/xmlsec_baseline.py target/bench-response.xml core/tests/data/keys/idp.crt.pem [seconds]
"""
import sys
import time

import xmlsec
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"


def verify_once(data: bytes, key: "xmlsec.Key") -> None:
    root = etree.fromstring(data)
    xmlsec.tree.add_ids(root, ["ID"])
    sigs = root.findall(".//{%s}Signature" % DS)
    assert len(sigs) == 2, len(sigs)
    for sig in sigs:
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        ctx.verify(sig)


def main() -> None:
    data = open(sys.argv[1], "rb").read()
    key = xmlsec.Key.from_file(sys.argv[2], xmlsec.constants.KeyDataFormatCertPem)
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    verify_once(data, key)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds and n < 1_000_000:
        verify_once(data, key)
        n += 1
    elapsed = time.perf_counter() - start
    print(f"python-xmlsec: {n / elapsed:.0f} responses/s ({elapsed / n * 1e6:.1f} µs per response, {n} runs)")


if __name__ == "__main__":
    main()
