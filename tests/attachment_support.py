"""Real files of each kind, built in memory, for the attachment tests."""
import io
import zipfile

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<html><body><script>alert(1)</script></body></html>"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def office_zip(main_part, content_type, declare=True, include=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        override = f'<Override PartName="/{main_part}" ContentType="{content_type}"/>' if declare else ""
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'content-types">{override}</Types>')
        if include:
            archive.writestr(main_part, "<xml/>")
    return buffer.getvalue()


DOCX = office_zip("word/document.xml",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = office_zip("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
PPTX = office_zip("ppt/presentation.xml",
                  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")


def upload(client, target_type, target_id, content, name, kind="other", follow=True):
    return client.post(f"/attachments/{target_type}/{target_id}", data={
        "kind": kind, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data",
        follow_redirects=follow)
