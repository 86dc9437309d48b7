#!/usr/bin/python3
"""Edits a workbook with LibreOffice the way a person would, then saves it: copies a sheet
("Move or Copy Sheet"), inserts rows, types into cells. The tests use it as the real client;
kpiwatch itself never runs it.

usage: edit.py PROFILE_ARG PIPE_NAME INPUT OUTPUT FILTER OP...
  copy:SHEET:NEW_NAME         copy SHEET to a new last sheet NEW_NAME
  rows:SHEET:ROW:COUNT        insert COUNT rows before 1-based ROW of SHEET
  set:SHEET:CELL:VALUE        put VALUE into CELL (a number when it parses as one)
  type:SHEET:CELL:TEXT        type TEXT into CELL as on the keyboard: LibreOffice's input
                              parsing decides (92% becomes 0.92 formatted as a percent, 'x
                              stays text); the cell's validation is not asked
"""
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


# The office's component context, set once connected: the dispatcher is created from it.
CONTEXT = {}


def type_into(doc, sheet_name, cell_name, text):
    """Selects the cell and enters the text through the dispatcher, as typing then Enter does."""
    ctx = CONTEXT["ctx"]
    controller = doc.getCurrentController()
    controller.setActiveSheet(doc.Sheets.getByName(sheet_name))
    frame = controller.getFrame()
    dispatcher = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.DispatchHelper", ctx)
    dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", cell_name),))
    dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))


def invalid_cells(sheet):
    """The cells whose content their validation rule refuses, as LibreOffice judges: the
    detective circles each one, and each circle is anchored to its cell."""
    sheet.clearArrows()
    sheet.showInvalid()
    page = sheet.DrawPage
    out = []
    for i in range(page.Count):
        anchor = page.getByIndex(i).Anchor
        if anchor is not None and hasattr(anchor, "AbsoluteName"):
            out.append(anchor.AbsoluteName.split(".")[-1].replace("$", ""))
    return sorted(set(out))


def apply(doc, op):
    kind, rest = op.split(":", 1)
    sheets = doc.Sheets
    if kind == "copy":
        sheet, new_name = rest.split(":", 1)
        sheets.copyByName(sheet, new_name, sheets.Count)
    elif kind == "rows":
        sheet, row, count = rest.split(":")
        sheets.getByName(sheet).Rows.insertByIndex(int(row) - 1, int(count))
    elif kind == "set":
        sheet, cell_name, value = rest.split(":", 2)
        cell = sheets.getByName(sheet).getCellRangeByName(cell_name)
        try:
            cell.setValue(float(value))
        except ValueError:
            cell.setString(value)
    elif kind == "type":
        sheet, cell_name, text = rest.split(":", 2)
        type_into(doc, sheet, cell_name, text)
    elif kind == "invalid":
        sheet_name, path = rest.split(":", 1)
        sheet = sheets.getByName(sheet_name)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(name + "\n" for name in invalid_cells(sheet))
    else:
        sys.exit(f"unknown operation {op}")


def main():
    profile, pipe, src, out, filt = sys.argv[1:6]
    office = subprocess.Popen(
        ["soffice", profile, "--headless", "--invisible", "--norestore", "--nologo",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        if ctx is None:
            sys.exit("LibreOffice did not start")
        CONTEXT["ctx"] = ctx
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),))
        for op in sys.argv[6:]:
            apply(doc, op)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)), (prop("FilterName", filt),))
        try:
            doc.close(True)
        except Exception:
            # The file is stored; LibreOffice sometimes drops the bridge while closing.
            pass
    finally:
        if desktop is not None:
            try:
                desktop.terminate()
            except Exception:
                pass
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
