"""Reads .eml files with Python's email package, as a mail client would, and prints one JSON
object per file: the decoded subject, From, To, and each part's content type, file name and
content (text decoded; binary as base64).

    python3 tests/mail/eml_json.py FILE..."""

import base64
import email
import email.policy
import json
import sys

out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    # compat32 leaves headers as written: the encoded words of a Thai subject.
    raw_subject = str(email.message_from_bytes(raw, policy=email.policy.compat32)["subject"])
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        entry = {
            "type": part.get_content_type(),
            "filename": part.get_filename(),
            "attachment": part.get_content_disposition() == "attachment",
        }
        if part.get_content_maintype() == "text":
            entry["text"] = payload.decode(part.get_content_charset() or "utf-8")
        else:
            entry["base64"] = base64.b64encode(payload).decode()
        parts.append(entry)
    out.append({
        "file": path,
        "subject": str(msg["subject"]),
        "raw_subject": raw_subject,
        "from": str(msg["from"]),
        "to": [a.addr_spec for a in msg["to"].addresses] if msg["to"] else [],
        "message_id": str(msg["message-id"]),
        "parts": parts,
    })
print(json.dumps(out, ensure_ascii=False))
