#!/usr/bin/python3
"""Copies a sheet inside a workbook with LibreOffice, as a person does with "Move or Copy
Sheet", then saves the workbook. Used by the tests as the real client; kpiwatch itself never
runs this.

usage: copy_sheet.py PROFILE_ARG PIPE_NAME INPUT SHEET NEW_NAME OUTPUT FILTER [CELL=VALUE...]
Each CELL=VALUE is then typed into the copy (a number when it parses as one).
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


def main():
    profile, pipe, src, sheet, new_name, out, filt = sys.argv[1:8]
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
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),))
        sheets = doc.Sheets
        sheets.copyByName(sheet, new_name, sheets.Count)
        copy = sheets.getByName(new_name)
        for edit in sys.argv[8:]:
            cell_name, value = edit.split("=", 1)
            cell = copy.getCellRangeByName(cell_name)
            try:
                cell.setValue(float(value))
            except ValueError:
                cell.setString(value)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)), (prop("FilterName", filt),))
        doc.close(True)
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
