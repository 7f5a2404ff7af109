"""Is a printed copy genuine?  Offline, with only the country's CA certificates.

What the verifier is given decides what it can check, and it says no more:

* **the PDF of a copy**: the QR code is read from the rendered page and its
  signature checked (``qr.verify_code``); the copy is re-rendered from the values
  the code certifies, with the template whose digest the code signs (the one the
  PDF carries, or one of ECR's default documents), and compared with what a
  reader of the PDF sees and reads (``visual.py``).  Only then is the copy
  *genuine* (``scope="document"``).
* **a scan or photo** (PNG, JPEG) **or the decoded text**: only the code.  The
  result lists every value the code certifies (``facts``) for a person to
  compare with the paper, and is never *genuine* (``scope="values"``): a
  forger can put a genuine code on a paper printed with other values.
* **a PDF whose template is unknown** (not carried, not a default document), or
  an **``ECR1:`` code**: as for a scan.

Nothing the PDF says about itself is trusted: its attached template is used
only if its digest is the one the code signs.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from common.acts.dictionary import EVENTS
from common.i18n import translator
from common.wire.errors import ContainerRefused
from printdesigner import readback, visual
from printdesigner.certified import CertifiedCopy, digest_of, template_digest, template_from_bytes
from printdesigner.defaults import default_template, kinds_for
from printdesigner.documents import context_of
from printdesigner.errors import PrintError, VerificationError
from printdesigner.model import Template
from printdesigner.qr import PREFIXES, VerificationResult, verify_code
from printdesigner.render import render

tr = translator("print")


def verify_printed(text_or_image_path: str | Path, ca_certs: Sequence[x509.Certificate],
                   revocation_list: x509.CertificateRevocationList | None = None
                   ) -> VerificationResult:
    """The verdict on a copy given as the QR code's decoded text (``ECR2:…``), the
    path of its PDF, or the path of a scan or photo of the paper (PNG/JPEG)."""
    value = str(text_or_image_path)
    if value.strip().startswith(PREFIXES):
        return verify_code(value, ca_certs, revocation_list)
    path = Path(value)
    if not path.is_file():
        raise VerificationError(tr("{path} is neither a verification code nor a readable file",
                                   path=value), field="copy", rule="unreadable")
    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        return verify_pdf(data, ca_certs, revocation_list)
    return verify_code(read_qr_from_image(path), ca_certs, revocation_list)


def verify_pdf(pdf: bytes, ca_certs: Sequence[x509.Certificate],
               revocation_list: x509.CertificateRevocationList | None = None
               ) -> VerificationResult:
    """The code of a copy's PDF, then every page compared with what the code certifies."""
    text = read_qr_from_pdf(pdf)
    result = verify_code(text, ca_certs, revocation_list)
    certified = result.certified
    if certified is None:  # refused, or an ECR1 code: nothing more can be checked
        return result
    template = _template(pdf, certified)
    if isinstance(template, str):
        return dataclasses.replace(result, genuine=False, scope=None, reason="altered",
                                   message=template, differences=(template,))
    if template is None:
        return dataclasses.replace(result, reason="template_unknown", message=tr(
            "The code is genuine (centre {code}), but this PDF cannot be compared with it: "
            "the template it was printed with is not inside. Compare every value below with "
            "the paper; any difference means a forgery", code=result.centre_code))
    ctx = context_of(certified, template, text)
    genuine = render(template, ctx, calibration=certified.calibration, title=template.name).pdf
    found = visual.differences(pdf, genuine, template, ctx, certified.calibration)
    if found:
        return dataclasses.replace(result, scope=None, reason="altered", message=tr(
            "The copy differs from what its code certifies: {what}", what="; ".join(found)),
            differences=tuple(found))
    return dataclasses.replace(result, genuine=True, scope="document", reason=None, message=tr(
        "Genuine copy issued by centre {code}: every page of this PDF shows exactly what its "
        "code certifies", code=result.centre_code))


def _template(pdf: bytes, certified: CertifiedCopy) -> Template | str | None:
    """The template the code names, a sentence if the PDF carries another one, or None."""
    attached = readback.attached_template(pdf)
    if attached is not None:
        if digest_of(attached) != certified.template_digest:
            return tr("the template inside the PDF is not the one its code certifies")
        try:
            return template_from_bytes(attached)
        except (PrintError, ContainerRefused):
            return None  # a template format this program does not read
    event = EVENTS.get(certified.act.event_type)
    if event is None or certified.kind not in kinds_for(event):
        return None
    default = default_template(event.key, certified.kind)
    return default if template_digest(default) == certified.template_digest else None


def read_qr_from_image(path: Path) -> str:
    """The text of the ECR QR code in an image (zxing-cpp)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            results = zxingcpp.read_barcodes(image.convert("L"))
    except (OSError, UnidentifiedImageError):
        raise VerificationError(tr("{path} is not an image that can be read", path=str(path)),
                                field="copy", rule="unreadable") from None
    for result in results:
        if result.text.startswith(PREFIXES):
            return result.text
    raise VerificationError(tr("No ECR verification code was found in {path}", path=str(path)),
                            field="copy", rule="no_code")


def read_qr_from_pdf(pdf: bytes) -> str:
    """Render the pages (poppler's pdftoppm) and read the QR code, last page first.

    The code stands at the end of a document, so the last page is tried first, at
    200 dpi (3 pixels or more per module of a 35 mm code), then at 300 dpi.
    """
    import pypdf

    try:
        count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except (pypdf.errors.PyPdfError, ValueError):
        raise VerificationError(tr("The PDF could not be read"), field="copy",
                                rule="unreadable") from None
    with tempfile.TemporaryDirectory(prefix="ecr-verify-") as tmp:
        for dpi in ("200", "300"):
            for page in range(count, 0, -1):
                stem = Path(tmp) / f"page-{dpi}-{page}"
                readback.run_poppler(["pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile",
                                      "-f", str(page), "-l", str(page), "-", str(stem)], pdf)
                try:
                    return read_qr_from_image(stem.with_suffix(".png"))
                except VerificationError:
                    continue
    raise VerificationError(tr("No ECR verification code was found in the PDF"), field="copy",
                            rule="no_code")
