"""Where carepress relies on pypdf beyond its documented API to write PDF/A, and why; each
assumption is checked by tests/test_pypdf_compat.py against the installed pypdf.

- A stream whose data ends with a CR gets a CR LF before `endstream` (pypdf writes a LF only);
  the data written is read from the stream's `_data` (get_data() would decode it).
- The trailer /ID is set to a given value (pypdf's own are random).
- An object is added to a writer as an indirect object (PdfWriter._add_object: pypdf has no
  public way to make a new indirect object, which a form XObject, a moved annotation or a
  structure element must be).

bundle.bundle joins the leaflets' structure trees with pypdf's clone, and relies on two of
its behaviours (also checked there): an object is cloned once per reader (an element cloned
after its page refers to the page's copy), and ``ignore_fields=[1, "/P"]`` leaves /P out at
the top level only.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, IndirectObject, PdfObject, StreamObject

from carepress.pdfa import stream_eol

_PYPDF_STREAM_END = b"\nendstream"
_PATCHING = threading.Lock()


def _write_stream_unambiguously(write_stream: Any) -> Any:
    # pypdf writes `data` + b"\nendstream".  After data ending with a CR, a reader (or a
    # PDF/A checker) takes that CR and the LF for one CR LF marker and the data for a byte
    # shorter than /Length says (STREAM-LENGTH): such a stream gets CR LF instead.  Others,
    # all but about one in 256 compressed streams, are written exactly as pypdf writes them.
    def write_to_stream(self: StreamObject, stream: Any, *args: Any, **kwargs: Any) -> None:
        data = self._data
        if not (isinstance(data, bytes) and data.endswith(b"\r")):
            return write_stream(self, stream, *args, **kwargs)
        buffer = io.BytesIO()
        write_stream(self, buffer, *args, **kwargs)
        written = buffer.getvalue()
        if not written.endswith(_PYPDF_STREAM_END):
            raise AssertionError("pypdf no longer ends a stream with b'\\nendstream': see "
                                 "carepress/pypdf_compat.py")
        data_written = written[:-len(_PYPDF_STREAM_END)]
        stream.write(data_written + stream_eol(data_written) + b"endstream")
        return None

    write_to_stream.carepress_original = write_stream  # type: ignore[attr-defined]
    return write_to_stream


def install_stream_eol() -> None:
    """Wrap StreamObject.write_to_stream (once per process); its subclasses call it too."""
    with _PATCHING:
        if not hasattr(StreamObject.write_to_stream, "carepress_original"):
            StreamObject.write_to_stream = _write_stream_unambiguously(  # type: ignore[method-assign]
                StreamObject.write_to_stream)


def set_file_identifier(writer: PdfWriter, file_id: bytes) -> None:
    """The trailer /ID: both entries ``file_id``, as for a file first written.  PdfWriter
    writes its `_ID` attribute; its only setter (generate_file_identifiers) makes random ones."""
    writer._ID = ArrayObject([ByteStringObject(file_id), ByteStringObject(file_id)])


def add_object(writer: PdfWriter, value: PdfObject) -> IndirectObject:
    """``value`` as a new indirect object of ``writer``; its reference."""
    reference = writer._add_object(value)
    if not isinstance(reference, IndirectObject):
        raise AssertionError("pypdf's PdfWriter._add_object no longer returns an indirect "
                             "reference: see carepress/pypdf_compat.py")
    return reference
