"""Baseline for the validate bench: libxmlsec1 (python-xmlsec, in-process) verifying both
signatures of the same ≈8 KB response, on one core. Prints responses/second (median batch)
and the fastest batch.

Usage: python3 tests/benches/xmlsec_baseline.py target/bench-response.xml core/tests/data/keys/idp.crt.pem [seconds]

With `--batches` instead of seconds it reads batch sizes from stdin, one per line, and answers
each with the seconds that many verifications took (one line, flushed): the validate bench
alternates these batches with its own, so both sides of each ratio see the same machine.
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


def batches(data: bytes, key: "xmlsec.Key") -> None:
    """Answers each batch size read from stdin with the seconds it took, until EOF."""
    for line in sys.stdin:
        n = min(max(int(line), 1), 10_000)
        t = time.perf_counter()
        for _ in range(n):
            verify_once(data, key)
        print(time.perf_counter() - t, flush=True)


def main() -> None:
    data = open(sys.argv[1], "rb").read()
    key = xmlsec.Key.from_file(sys.argv[2], xmlsec.constants.KeyDataFormatCertPem)
    verify_once(data, key)
    if len(sys.argv) > 3 and sys.argv[3] == "--batches":
        batches(data, key)
        return
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    # Batches of 20 verifications; the median batch is the result, so a busy moment on a shared
    # machine (a few slow batches) moves it as little as it moves criterion's median.
    per_batch = []
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds and n < 1_000_000:
        t = time.perf_counter()
        for _ in range(20):
            verify_once(data, key)
        per_batch.append((time.perf_counter() - t) / 20)
        n += 20
    per_batch.sort()
    median = per_batch[len(per_batch) // 2]
    fastest = per_batch[0]
    print(
        f"python-xmlsec: {1 / median:.0f} responses/s ({median * 1e6:.1f} µs per response, "
        f"median of {len(per_batch)} batches of 20; fastest batch {fastest * 1e6:.1f} µs per response)"
    )


if __name__ == "__main__":
    main()
