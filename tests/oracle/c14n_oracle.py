"""Differential oracle for samlscope's exclusive C14N: libxml2 (through lxml) canonicalizes the
same subtree of the same document. Reads JSON lines {xml, apex, omit, comments, prefixes} on
stdin (apex/omit: indexes of elements in document order, omit -1 for none) and writes one JSON
line per case: {"out": <base64 of the canonical bytes>} or {"error": "..."}.
"""
import base64
import json
import sys

from lxml import etree

PARSER = etree.XMLParser(remove_comments=False, resolve_entities=False, remove_blank_text=False)


def canonical(case):
    root = etree.fromstring(case["xml"].encode("utf-8"), PARSER)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    apex = elements[case["apex"]]
    if case["omit"] >= 0:
        victim = elements[case["omit"]]
        parent = victim.getparent()
        # The enveloped transform removes the element only; lxml keeps the text that follows an
        # element in its tail, so hand the tail to the previous node first.
        if victim.tail:
            prev = victim.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + victim.tail
            else:
                parent.text = (parent.text or "") + victim.tail
        parent.remove(victim)
    return etree.tostring(
        apex,
        method="c14n",
        exclusive=True,
        with_comments=case["comments"],
        inclusive_ns_prefixes=case["prefixes"] or None,
    )


def main():
    for line in sys.stdin:
        case = json.loads(line)
        try:
            out = {"out": base64.b64encode(canonical(case)).decode()}
        except Exception as e:  # report, never crash the batch
            out = {"error": repr(e)}
        sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
