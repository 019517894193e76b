"""Differential oracle for samlscope's C14N: libxml2 canonicalizes the same subtree of the same
document. Reads JSON lines {xml, apex, omit, comments, prefixes, mode?} on stdin (apex/omit:
indexes of elements in document order, omit -1 for none) and writes one JSON line per case:
{"out": <base64 of the canonical bytes>} or {"error": "..."}.

Without "mode": exclusive C14N through lxml. With "mode" (libxml2's xmlC14NMode: 0 = C14N 1.0,
2 = C14N 1.1): lxml's own libxml2 (its extension module exports libxml2's C API) through
ctypes, given the XPath node-set XML-DSig builds for a same-document reference — the apex's subtree with every
attribute and namespace node, minus the omitted subtree — so ancestors outside the subset are
still there to lend their namespaces and xml:* attributes (C14N §2.4). lxml cannot do that: it
canonicalizes a subtree as a document of its own, which inherits namespaces but not xml:lang.
"""
import base64
import ctypes
import json
import os
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


class _XPathObject(ctypes.Structure):
    # The head of libxml2's xmlXPathObject: type, then the node-set.
    _fields_ = [("type", ctypes.c_int), ("nodesetval", ctypes.c_void_p)]


_LIBXML2 = None


def libxml2():
    global _LIBXML2
    if _LIBXML2 is None:
        # lxml's libxml2 rather than the system's: the same version as the exclusive oracle.
        # (libxml2 2.9 also keeps `&#38;` for `&amp;` in a namespace URI, a parser bug.)
        # C14N_LIBXML2 names another one to compare with (e.g. libxml2.so.2, the system's).
        lx = ctypes.CDLL(os.environ.get("C14N_LIBXML2") or etree.__file__)
        vp = ctypes.c_void_p
        lx.xmlReadMemory.restype = vp
        lx.xmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lx.xmlXPathNewContext.restype = vp
        lx.xmlXPathNewContext.argtypes = [vp]
        lx.xmlXPathEvalExpression.restype = vp
        lx.xmlXPathEvalExpression.argtypes = [ctypes.c_char_p, vp]
        lx.xmlC14NDocDumpMemory.restype = ctypes.c_int
        lx.xmlC14NDocDumpMemory.argtypes = [vp, vp, ctypes.c_int, vp, ctypes.c_int, ctypes.POINTER(vp)]
        for f in ("xmlXPathFreeObject", "xmlXPathFreeContext", "xmlFreeDoc"):
            getattr(lx, f).argtypes = [vp]
        lx.xmlFree = ctypes.c_void_p.in_dll(lx, "xmlFree")
        _LIBXML2 = lx
    return _LIBXML2


def inside(index):
    """XPath 1.0 test: the context node is the index-th element (document order) or below it."""
    return f"count(ancestor-or-self::node() | (//*)[{index + 1}]) = count(ancestor-or-self::node())"


def canonical_subset(case):
    lx = libxml2()
    xml = case["xml"].encode("utf-8")
    doc = lx.xmlReadMemory(xml, len(xml), None, b"UTF-8", 0)
    if not doc:
        raise ValueError("libxml2 refused the document")
    ctx = lx.xmlXPathNewContext(doc)
    cond = inside(case["apex"])
    if case["omit"] >= 0:
        cond += f" and not({inside(case['omit'])})"
    obj = lx.xmlXPathEvalExpression(f"(//. | //@* | //namespace::*)[{cond}]".encode(), ctx)
    try:
        if not obj:
            raise ValueError("XPath failed")
        nodes = _XPathObject.from_address(obj).nodesetval
        buf = ctypes.c_void_p()
        n = lx.xmlC14NDocDumpMemory(doc, nodes, case["mode"], None, int(case["comments"]), ctypes.byref(buf))
        if n < 0:
            raise ValueError("xmlC14NDocDumpMemory failed")
        out = ctypes.string_at(buf, n)
        ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lx.xmlFree.value)(buf)
        return out
    finally:
        if obj:
            lx.xmlXPathFreeObject(obj)
        lx.xmlXPathFreeContext(ctx)
        lx.xmlFreeDoc(doc)


def main():
    for line in sys.stdin:
        case = json.loads(line)
        try:
            run = canonical_subset if "mode" in case else canonical
            out = {"out": base64.b64encode(run(case)).decode()}
        except Exception as e:  # report, never crash the batch
            out = {"error": repr(e)}
        sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
